import { R, isConflict, isNotFound, type KubeObject } from '@kedge/api';
import type { Informer, KubeClient } from '@kedge/core';
import type { Logger } from 'pino';

/** `{value, metadata}` as in the Device CRD's TwinProperty (metadata values are strings). */
export interface TwinValue {
  value: string;
  metadata?: Record<string, string>;
}

export interface TwinUpdate {
  reported?: TwinValue;
  observedDesired?: TwinValue;
}

export interface SpoolStatus {
  buffered: number;
  bufferedBytes: number;
  dropped: number;
}

interface Pending {
  twins: Map<string, TwinUpdate>;
  state?: string;
  lastOnlineTime?: string;
  spool?: SpoolStatus;
}

interface Slot {
  pending?: Pending;
  timer?: NodeJS.Timeout;
  inFlight: boolean;
  lastWriteAt: number;
  failures: number;
}

export interface StatusWriterOptions {
  client: KubeClient;
  devices: Informer;
  log: Logger;
  /** At most one status write per device per this many ms. */
  coalesceMs: number;
  now?: () => number;
}

const CONFLICT_ATTEMPTS = 5;

/** Newer values win property by property; what `older` had that `newer` lacks is kept. */
function mergePending(older: Pending, newer: Pending): Pending {
  const twins = new Map(older.twins);
  for (const [prop, u] of newer.twins) twins.set(prop, { ...twins.get(prop), ...u });
  return {
    twins,
    ...((newer.state ?? older.state) !== undefined ? { state: (newer.state ?? older.state)! } : {}),
    ...((newer.lastOnlineTime ?? older.lastOnlineTime) !== undefined ? { lastOnlineTime: (newer.lastOnlineTime ?? older.lastOnlineTime)! } : {}),
    ...((newer.spool ?? older.spool) !== undefined ? { spool: (newer.spool ?? older.spool)! } : {}),
  };
}

/** The copy with the higher resourceVersion (numeric, as etcd's and kedge's are); the cache's when unsure. */
function newer(cached: KubeObject | undefined, written: KubeObject | undefined): KubeObject | undefined {
  if (!written) return cached;
  if (!cached) return written;
  const a = cached.metadata.resourceVersion ?? '';
  const b = written.metadata.resourceVersion ?? '';
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return cached;
  return BigInt(b) > BigInt(a) ? written : cached;
}

/**
 * Device status from the edge, coalesced per device: reports are merged in memory and written at most once
 * per `coalesceMs` as a JSON merge patch of `.status` (Device has no status subresource) with the cached
 * resourceVersion as precondition, so a stale cache never overwrites another writer's twins; conflicts
 * re-read and retry, other failures keep the values for the next attempt. The latest value is never dropped.
 */
export class StatusWriter {
  private readonly slots = new Map<string, Slot>();
  /**
   * The object each write returned. The informer's copy lags our own writes, and patching from it (with its
   * resourceVersion as the precondition) made every write that followed closely on the previous one a 409,
   * a re-read and a retry (docs/benchmarks.md, Devices); the newer of the two is the base instead.
   */
  private readonly written = new Map<string, KubeObject>();
  private readonly now: () => number;
  private closed = false;
  /** Status writes that reached the API server (for tests and metrics). */
  writes = 0;

  constructor(private readonly o: StatusWriterOptions) {
    this.now = o.now ?? Date.now;
  }

  update(namespace: string, name: string, p: Partial<Pending> & { twins?: Map<string, TwinUpdate> }): void {
    const key = `${namespace}/${name}`;
    let slot = this.slots.get(key);
    if (!slot) this.slots.set(key, (slot = { inFlight: false, lastWriteAt: -Infinity, failures: 0 }));
    const next: Pending = { ...p, twins: p.twins ?? new Map() };
    slot.pending = slot.pending ? mergePending(slot.pending, next) : next;
    this.schedule(key, slot);
  }

  private schedule(key: string, slot: Slot): void {
    if (slot.timer || slot.inFlight || !slot.pending || this.closed) return;
    const backoff = slot.failures ? Math.min(30_000, Math.max(this.o.coalesceMs, 500) * 2 ** (slot.failures - 1)) : this.o.coalesceMs;
    const delay = Math.max(0, slot.lastWriteAt + backoff - this.now());
    slot.timer = setTimeout(() => void this.flush(key, slot), delay);
  }

  private async flush(key: string, slot: Slot): Promise<void> {
    slot.timer = undefined;
    const p = slot.pending;
    if (!p) return;
    slot.pending = undefined;
    slot.inFlight = true;
    try {
      await this.write(key, p);
      slot.failures = 0;
    } catch (err) {
      if (isNotFound(err)) {
        this.o.log.debug({ device: key }, 'device gone, status dropped');
      } else {
        slot.failures++;
        slot.pending = slot.pending ? mergePending(p, slot.pending) : p;
        this.o.log.warn({ err, device: key, failures: slot.failures }, 'device status write failed, will retry');
      }
    } finally {
      slot.lastWriteAt = this.now();
      slot.inFlight = false;
    }
    // The slot stays (with lastWriteAt) until the device is deleted: dropping it would let the next report write at once.
    if (slot.pending) this.schedule(key, slot);
  }

  /** The device was deleted: nothing more to write for it. */
  forget(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const slot = this.slots.get(key);
    if (slot?.timer) clearTimeout(slot.timer);
    this.slots.delete(key);
    this.written.delete(key);
  }

  private async write(key: string, p: Pending): Promise<void> {
    const [ns, name] = key.split('/') as [string, string];
    let cur: KubeObject | undefined = newer(this.o.devices.get(key), this.written.get(key));
    for (let attempt = 1; ; attempt++) {
      cur ??= await this.o.client.get(R.devices, ns, name);
      try {
        const out = await this.o.client.patch(R.devices, ns, name, 'merge', {
          metadata: { resourceVersion: cur.metadata.resourceVersion },
          status: statusPatch(cur, p),
        });
        this.written.set(key, out);
        this.writes++;
        return;
      } catch (err) {
        if (!isConflict(err) || attempt >= CONFLICT_ATTEMPTS) throw err;
        cur = undefined;
      }
    }
  }

  /** Writes what is pending now (shutdown); later reports are not accepted. */
  async close(): Promise<void> {
    this.closed = true;
    const work: Promise<void>[] = [];
    for (const [key, slot] of this.slots) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = undefined;
      if (slot.pending && !slot.inFlight) work.push(this.flush(key, slot));
    }
    await Promise.allSettled(work);
  }
}

/** The merge-patch `.status` for `p` over the current object: twins is a list, so it is sent whole. */
export function statusPatch(cur: KubeObject, p: Pending): Record<string, unknown> {
  const twins = ((cur.status?.twins ?? []) as Array<{ propertyName: string } & TwinUpdate>).map((t) => ({ ...t }));
  for (const [prop, u] of p.twins) {
    let t = twins.find((x) => x.propertyName === prop);
    if (!t) twins.push((t = { propertyName: prop }));
    if (u.reported) t.reported = u.reported;
    if (u.observedDesired) t.observedDesired = u.observedDesired;
  }
  return {
    ...(p.twins.size ? { twins } : {}),
    ...(p.state !== undefined ? { state: p.state } : {}),
    ...(p.lastOnlineTime !== undefined ? { lastOnlineTime: p.lastOnlineTime } : {}),
    ...(p.spool ? { extensions: { spool: p.spool } } : {}),
  };
}
