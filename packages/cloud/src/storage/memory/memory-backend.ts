import type { Logger } from '@kedge/core';
import { StorageError, checkWritable, compactedError, readRevision, type Backend, type KeyValue, type ListOptions, type ListResult, type StorageEvent, type Watcher } from '../types.js';
import { WatchHub } from '../watch-hub.js';

interface Version {
  revision: number;
  createRevision: number;
  /** null marks a delete. */
  value: string | null;
}

/**
 * The reference Backend: full history in memory until compacted. Semantics here are what the
 * contract suite pins down and what the SQLite backend must match.
 */
export class MemoryBackend implements Backend {
  private readonly history = new Map<string, Version[]>();
  /** Every key that has any retained version, sorted, for prefix scans. */
  private readonly keys: string[] = [];
  /** Events with revision > compactRev, in revision order. */
  private events: StorageEvent[] = [];
  private rev = 0;
  private compactRev = 0;
  private state: 'new' | 'open' | 'closed' = 'new';
  private readonly hub: WatchHub;
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log.child({ backend: 'memory' });
    this.hub = new WatchHub(this.log);
  }

  async open(): Promise<void> {
    if (this.state === 'closed') throw new StorageError('closed', 'storage is closed');
    this.state = 'open';
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.hub.stopAll();
  }

  currentRevision(): number {
    return this.rev;
  }

  compactRevision(): number {
    return this.compactRev;
  }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    this.assertOpen();
    const rev = readRevision(revision, this.rev, this.compactRev);
    return this.at(key, rev);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    const rev = readRevision(opts.revision, this.rev, this.compactRev);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const items: KeyValue[] = [];
    let more = false;
    const start = opts.after !== undefined && opts.after >= prefix ? upperBound(this.keys, opts.after) : lowerBound(this.keys, prefix);
    for (let i = start; i < this.keys.length && this.keys[i]!.startsWith(prefix); i++) {
      const kv = this.at(this.keys[i]!, rev);
      if (!kv) continue;
      if (items.length >= limit) {
        more = true;
        break;
      }
      items.push(kv);
    }
    return { items, revision: rev, more };
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    let n = 0;
    for (let i = lowerBound(this.keys, prefix); i < this.keys.length && this.keys[i]!.startsWith(prefix); i++) {
      if (this.history.get(this.keys[i]!)!.at(-1)!.value !== null) n++;
    }
    return n;
  }

  async create(key: string, value: string): Promise<number> {
    this.assertOpen();
    const cur = this.latest(key);
    if (cur) throw new StorageError('exists', `key ${key} already exists`);
    const revision = this.rev + 1;
    const kv: KeyValue = { key, value, createRevision: revision, modRevision: revision };
    this.append(key, { revision, createRevision: revision, value });
    this.emit({ type: 'create', kv, revision });
    return revision;
  }

  async update(key: string, value: string, expectedRevision?: number): Promise<number> {
    this.assertOpen();
    const prev = checkWritable(key, this.latest(key), expectedRevision);
    const revision = this.rev + 1;
    const kv: KeyValue = { key, value, createRevision: prev.createRevision, modRevision: revision };
    this.append(key, { revision, createRevision: prev.createRevision, value });
    this.emit({ type: 'update', kv, prev, revision });
    return revision;
  }

  async delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    this.assertOpen();
    const prev = checkWritable(key, this.latest(key), expectedRevision);
    const revision = this.rev + 1;
    this.append(key, { revision, createRevision: prev.createRevision, value: null });
    this.emit({ type: 'delete', kv: { ...prev, modRevision: revision }, prev, revision });
    return { revision, prev };
  }

  watch(prefix: string, afterRevision: number, onEvent: (ev: StorageEvent) => void): Watcher {
    this.assertOpen();
    if (afterRevision < this.compactRev) {
      throw compactedError(afterRevision, this.compactRev);
    }
    const replay: StorageEvent[] = [];
    for (let i = firstEventAfter(this.events, afterRevision); i < this.events.length; i++) {
      const ev = this.events[i]!;
      if (ev.kv.key.startsWith(prefix)) replay.push(ev);
    }
    return this.hub.add(prefix, Math.max(afterRevision, this.rev), replay, onEvent);
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    const target = Math.min(revision, this.rev);
    if (target <= this.compactRev) return;
    this.compactRev = target;
    for (let i = 0; i < this.keys.length; ) {
      const key = this.keys[i]!;
      const versions = this.history.get(key)!;
      // Keep the newest version at or below target (the value as of target) unless it is a delete.
      let keepFrom = versions.length;
      while (keepFrom > 0 && versions[keepFrom - 1]!.revision > target) keepFrom--;
      let cut = Math.max(0, keepFrom - 1);
      if (keepFrom > 0 && versions[keepFrom - 1]!.value === null) cut = keepFrom;
      if (cut > 0) versions.splice(0, cut);
      if (versions.length === 0) {
        this.history.delete(key);
        this.keys.splice(i, 1);
      } else {
        i++;
      }
    }
    this.events = this.events.slice(firstEventAfter(this.events, target));
    this.log.debug({ revision: target }, 'compacted');
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new StorageError('closed', 'storage is not open');
  }

  private at(key: string, rev: number): KeyValue | undefined {
    const versions = this.history.get(key);
    if (!versions) return undefined;
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i]!;
      if (v.revision > rev) continue;
      return v.value === null ? undefined : { key, value: v.value, createRevision: v.createRevision, modRevision: v.revision };
    }
    return undefined;
  }

  private latest(key: string): KeyValue | undefined {
    return this.at(key, this.rev);
  }

  private append(key: string, v: Version): void {
    let versions = this.history.get(key);
    if (!versions) {
      versions = [];
      this.history.set(key, versions);
      this.keys.splice(lowerBound(this.keys, key), 0, key);
    }
    versions.push(v);
    this.rev = v.revision;
  }

  private emit(ev: StorageEvent): void {
    this.events.push(ev);
    this.hub.publish(ev);
  }
}

function lowerBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function firstEventAfter(events: StorageEvent[], revision: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.revision <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
