import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '@kedge/core';
import { EventRing } from '../event-ring.js';
import { prefixEnd } from '../keys.js';
import { StorageError, checkWritable, compactedError, readRevision, type Backend, type KeyValue, type ListOptions, type ListResult, type StorageEvent, type Watcher } from '../types.js';
import { WatchHub } from '../watch-hub.js';
import { schemaSql, sql, type LogRow, type ReplayRow } from './schema.js';

export interface SqliteBackendOptions {
  /** Database file; missing parent directories are created. */
  path: string;
  /** Recent events kept in memory for watch replay (default 10,000). */
  eventRingSize?: number;
  /** Value bytes the event ring may hold (default 64 MiB); older events then replay from the table. */
  eventRingBytes?: number;
  /** Revisions scanned per compaction transaction (default 5,000); the event loop runs in between. */
  compactBatch?: number;
  busyTimeoutMs?: number;
}

type Statements = { [K in keyof typeof sql]: Database.Statement };
type KvRow = Pick<LogRow, 'id' | 'name' | 'create_revision' | 'value'>;

const COMPACT_KEY = 'compact_revision';

/**
 * Backend on a single SQLite file via better-sqlite3; values live on disk, only the event ring is
 * held in memory.
 *
 * Group commit: every write runs at once (its checks and statements, in a savepoint) inside one
 * transaction that stays open for the rest of the event-loop turn; a setImmediate commits it, then
 * publishes the events and settles the promises. Concurrent API requests thus share one COMMIT
 * (per-write commits were the largest CPU cost under load). Reads on this connection see the
 * pending writes, so `rev` counts them; watchers only ever see committed events (`committedRev`).
 */
export class SqliteBackend implements Backend {
  private db: Database.Database | undefined;
  private st!: Statements;
  /** One prepared transaction wrapper: building one per write costs measurable CPU. */
  private inTx!: <T>(fn: () => T) => T;
  private rev = 0;
  /** Highest revision committed and published; <= rev. */
  private committedRev = 0;
  private batch: Array<{ ev: StorageEvent; settle: (err?: unknown) => void }> = [];
  private flushScheduled = false;
  private compactRev = 0;
  private ring!: EventRing;
  private closed = false;
  private compacting: Promise<void> = Promise.resolve();
  private readonly hub: WatchHub;
  private readonly log: Logger;

  constructor(
    private readonly opts: SqliteBackendOptions,
    log: Logger,
  ) {
    this.log = log.child({ backend: 'sqlite' });
    this.hub = new WatchHub(this.log);
  }

  async open(): Promise<void> {
    if (this.closed) throw new StorageError('closed', 'storage is closed');
    if (this.db) return;
    fs.mkdirSync(path.dirname(this.opts.path), { recursive: true });
    const db = new Database(this.opts.path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`busy_timeout = ${this.opts.busyTimeoutMs ?? 30000}`);
      db.exec(schemaSql);
      this.st = Object.fromEntries(Object.entries(sql).map(([k, q]) => [k, db.prepare(q)])) as Statements;
      const tx = db.transaction((fn: () => unknown) => fn());
      this.inTx = <T>(fn: () => T): T => tx(fn) as T;
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
    this.rev = (this.st.maxId.get() as { rev: number }).rev;
    this.committedRev = this.rev;
    this.compactRev = (this.st.getMeta.get(COMPACT_KEY) as { value: number } | undefined)?.value ?? 0;
    this.ring = new EventRing(this.opts.eventRingSize ?? 10_000, this.rev, this.opts.eventRingBytes);
    this.log.info({ path: this.opts.path, revision: this.rev, compactRevision: this.compactRev }, 'storage opened');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.hub.stopAll();
    await this.compacting;
    this.db?.close();
    this.db = undefined;
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
    if (rev === this.rev) return toKv(this.st.current.get(key) as KvRow | undefined);
    const row = this.st.atRevision.get(key, rev) as (KvRow & { deleted: number }) | undefined;
    return row && !row.deleted ? toKv(row) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    const rev = readRevision(opts.revision, this.rev, this.compactRev);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    const after = opts.after !== undefined && opts.after >= prefix ? opts.after : undefined;
    // One row beyond the limit tells whether there is more.
    const range = { lo: after ?? prefix, hi: prefixEnd(prefix), limit: limit < 0 ? -1 : limit + 1 };
    const rows = (
      rev === this.rev
        ? (after === undefined ? this.st.listFrom : this.st.listAfter).all(range)
        : (after === undefined ? this.st.listFromAt : this.st.listAfterAt).all({ ...range, rev })
    ) as KvRow[];
    const more = limit >= 0 && rows.length > limit;
    if (more) rows.length = limit;
    return { items: rows.map((r) => toKv(r)!), revision: rev, more };
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    return (this.st.count.get(prefix, prefixEnd(prefix)) as { n: number }).n;
  }

  async create(key: string, value: string): Promise<number> {
    this.assertOpen();
    this.beginBatch();
    const revision = this.rev + 1;
    this.inTx(() => {
      if (this.st.current.get(key)) throw new StorageError('exists', `key ${key} already exists`);
      const prevRevision = (this.st.latestRowId.get(key) as { id: number | null }).id ?? 0;
      this.st.insert.run({ id: revision, name: key, created: 1, deleted: 0, createRevision: revision, prevRevision, value });
      this.st.setCurrent.run(key, revision);
    });
    await this.enqueue({ type: 'create', kv: { key, value, createRevision: revision, modRevision: revision }, revision });
    return revision;
  }

  async update(key: string, value: string, expectedRevision?: number): Promise<number> {
    this.assertOpen();
    this.beginBatch();
    const revision = this.rev + 1;
    const prev = this.inTx(() => {
      const cur = checkWritable(key, toKv(this.st.current.get(key) as KvRow | undefined), expectedRevision);
      this.st.insert.run({ id: revision, name: key, created: 0, deleted: 0, createRevision: cur.createRevision, prevRevision: cur.modRevision, value });
      this.st.setCurrent.run(key, revision);
      return cur;
    });
    await this.enqueue({ type: 'update', kv: { key, value, createRevision: prev.createRevision, modRevision: revision }, prev, revision });
    return revision;
  }

  async delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    this.assertOpen();
    this.beginBatch();
    const revision = this.rev + 1;
    const prev = this.inTx(() => {
      const cur = checkWritable(key, toKv(this.st.current.get(key) as KvRow | undefined), expectedRevision);
      // Delete markers carry no value: the superseded row (prev_revision) still holds it.
      this.st.insert.run({ id: revision, name: key, created: 0, deleted: 1, createRevision: cur.createRevision, prevRevision: cur.modRevision, value: null });
      this.st.dropCurrent.run(key);
      return cur;
    });
    await this.enqueue({ type: 'delete', kv: { ...prev, modRevision: revision }, prev, revision });
    return { revision, prev };
  }

  watch(prefix: string, afterRevision: number, onEvent: (ev: StorageEvent) => void): Watcher {
    this.assertOpen();
    if (afterRevision < this.compactRev) {
      throw compactedError(afterRevision, this.compactRev);
    }
    let replay: StorageEvent[] = [];
    // Uncommitted writes of the open batch are not replayed: they reach the hub when it commits.
    if (afterRevision < this.committedRev) {
      replay = this.ring.since(afterRevision, prefix) ?? this.replayFromLog(prefix, afterRevision);
    }
    return this.hub.add(prefix, Math.max(afterRevision, this.committedRev), replay, onEvent);
  }

  compact(revision: number): Promise<void> {
    // Serialised so two compactions never interleave their batches.
    const run = this.compacting.then(() => this.runCompaction(revision));
    this.compacting = run.catch(() => {});
    return run;
  }

  private async runCompaction(revision: number): Promise<void> {
    this.assertOpen();
    const target = Math.min(revision, this.rev);
    if (target <= this.compactRev) return;
    // Recorded first: rows needed by reads at or above target are never deleted, so a crash
    // mid-way leaves a consistent store with some garbage for the next run.
    this.st.setMeta.run(COMPACT_KEY, target);
    this.compactRev = target;
    const batch = this.opts.compactBatch ?? 5000;
    const started = Date.now();
    let deleted = 0;
    for (let from = 0; from < target; from += batch) {
      if (this.closed) return;
      const to = Math.min(target, from + batch);
      deleted += this.inTx(() => {
        const ids = this.st.compactCandidates.all({ from, to, rev: target }) as { id: number }[];
        for (const { id } of ids) this.st.deleteRow.run(id);
        return ids.length;
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.log.debug({ revision: target, deleted, ms: Date.now() - started }, 'compacted');
  }

  private assertOpen(): Database.Database {
    if (this.closed || !this.db) throw new StorageError('closed', 'storage is not open');
    return this.db;
  }

  /** Opens the shared transaction of this event-loop turn (see the class comment). */
  private beginBatch(): void {
    const db = this.assertOpen();
    if (!db.inTransaction) db.exec('BEGIN');
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private enqueue(ev: StorageEvent): Promise<void> {
    this.rev = ev.revision;
    return new Promise((resolve, reject) => this.batch.push({ ev, settle: (err) => (err === undefined ? resolve() : reject(err)) }));
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.batch;
    this.batch = [];
    const db = this.db;
    if (!db || !db.inTransaction) return;
    try {
      db.exec('COMMIT');
    } catch (err) {
      this.log.error({ err, writes: batch.length }, 'storage commit failed; writes rolled back');
      if (db.inTransaction) db.exec('ROLLBACK');
      this.rev = this.committedRev;
      for (const w of batch) w.settle(err);
      return;
    }
    for (const w of batch) {
      this.committedRev = w.ev.revision;
      this.ring.push(w.ev);
      this.hub.publish(w.ev);
    }
    for (const w of batch) w.settle();
  }

  private replayFromLog(prefix: string, afterRevision: number): StorageEvent[] {
    const rows = (this.st.replay.all({ after: afterRevision, lo: prefix, hi: prefixEnd(prefix) }) as ReplayRow[]).filter((r) => r.id <= this.committedRev);
    this.log.debug({ prefix, afterRevision, events: rows.length }, 'watch replay from log');
    return rows.map((r) => {
      const prev: KeyValue | undefined =
        r.prev_value === null ? undefined : { key: r.name, value: r.prev_value, createRevision: r.create_revision, modRevision: r.prev_revision };
      if (r.deleted) return { type: 'delete', kv: { ...prev!, modRevision: r.id }, prev, revision: r.id };
      const kv: KeyValue = { key: r.name, value: r.value ?? '', createRevision: r.create_revision, modRevision: r.id };
      return r.created ? { type: 'create', kv, revision: r.id } : { type: 'update', kv, prev, revision: r.id };
    });
  }
}

function toKv(row: KvRow | undefined): KeyValue | undefined {
  if (!row) return undefined;
  return { key: row.name, value: row.value ?? '', createRevision: row.create_revision, modRevision: row.id };
}
