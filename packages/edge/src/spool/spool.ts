import type Database from 'better-sqlite3';
import type { Message } from '@kedge/api';
import type { Logger } from '@kedge/core';
import type { EdgeLink } from '../edgehub/types.js';

/**
 * Store-and-forward for upstream device messages (issue 5; KubeEdge loses them, #1968 #6615): every twin
 * report, state and telemetry message goes through an SQLite table in order, leaves it only when
 * `EdgeLink.send` accepted it, and is replayed in order after a reconnect. The byte budget is never
 * exceeded; what does not fit is dropped by the device's policy and counted, per device and in total.
 */

export type SpoolPolicy = 'drop-oldest' | 'drop-newest';

export interface DeviceSpoolStats {
  buffered: number;
  bufferedBytes: number;
  dropped: number;
}

export interface SpoolStats extends DeviceSpoolStats {
  /** Keyed by device id `{ns}/{name}`; node-level telemetry uses the key "". */
  devices: Record<string, DeviceSpoolStats>;
}

export type PutResult = 'sent' | 'spooled' | 'dropped';

export interface Spool {
  /** Sends `msg` now if nothing is waiting and the link takes it, else keeps it (or drops by `policy`). */
  put(device: string, msg: Message, policy?: SpoolPolicy): PutResult;
  /** Sends what is kept, oldest first, until the link refuses; returns how many left the spool. */
  flush(): number;
  stats(): SpoolStats;
  deviceStats(device: string): DeviceSpoolStats;
  /** Stops the retry timer; the database belongs to the caller. */
  close(): void;
}

export interface SpoolOptions {
  db: Database.Database;
  link: EdgeLink;
  budgetBytes: number;
  defaultPolicy: SpoolPolicy;
  log: Logger;
  /**
   * How many more messages the link can queue right now. EdgeHub's own queue drops its oldest when full,
   * so a replay of thousands must not be poured into it at once; what does not fit waits here. Default: no limit.
   */
  room?: () => number;
  /** Retry period while the link is up but has no room. Default 100 ms. */
  retryMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spool (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  device TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  msg TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS spool_device ON spool (device, seq);
CREATE TABLE IF NOT EXISTS spool_drops (device TEXT PRIMARY KEY, dropped INTEGER NOT NULL);
`;

const BATCH = 256;

export function openSpool(opts: SpoolOptions): Spool {
  const { db, link, budgetBytes, defaultPolicy } = opts;
  const room = opts.room ?? (() => Number.POSITIVE_INFINITY);
  const retryMs = opts.retryMs ?? 100;
  let retry: NodeJS.Timeout | undefined;
  const log = opts.log.child({ module: 'spool' });
  db.exec(SCHEMA);
  const st = {
    insert: db.prepare('INSERT INTO spool (device, bytes, msg) VALUES (?, ?, ?)'),
    oldestOf: db.prepare<[string], { seq: number; device: string; bytes: number }>('SELECT seq, device, bytes FROM spool WHERE device = ? ORDER BY seq LIMIT 1'),
    oldest: db.prepare<[], { seq: number; device: string; bytes: number }>('SELECT seq, device, bytes FROM spool ORDER BY seq LIMIT 1'),
    del: db.prepare('DELETE FROM spool WHERE seq = ?'),
    batch: db.prepare<[number, number], { seq: number; device: string; bytes: number; msg: string }>(
      'SELECT seq, device, bytes, msg FROM spool WHERE seq > ? ORDER BY seq LIMIT ?',
    ),
    delUpTo: db.prepare('DELETE FROM spool WHERE seq <= ?'),
    drop: db.prepare('INSERT INTO spool_drops (device, dropped) VALUES (?, ?) ON CONFLICT(device) DO UPDATE SET dropped = dropped + excluded.dropped'),
  };

  // Counters mirror the tables so stats() and the budget check need no query.
  const per = new Map<string, DeviceSpoolStats>();
  const total: DeviceSpoolStats = { buffered: 0, bufferedBytes: 0, dropped: 0 };
  const entry = (device: string): DeviceSpoolStats => {
    let e = per.get(device);
    if (!e) per.set(device, (e = { buffered: 0, bufferedBytes: 0, dropped: 0 }));
    return e;
  };
  for (const r of db.prepare<[], { device: string; n: number; b: number }>('SELECT device, COUNT(*) AS n, SUM(bytes) AS b FROM spool GROUP BY device').all()) {
    const e = entry(r.device);
    e.buffered = r.n;
    e.bufferedBytes = r.b;
    total.buffered += r.n;
    total.bufferedBytes += r.b;
  }
  for (const r of db.prepare<[], { device: string; dropped: number }>('SELECT device, dropped FROM spool_drops').all()) {
    entry(r.device).dropped = r.dropped;
    total.dropped += r.dropped;
  }

  const account = (device: string, n: number, bytes: number): void => {
    const e = entry(device);
    e.buffered += n;
    e.bufferedBytes += bytes;
    total.buffered += n;
    total.bufferedBytes += bytes;
  };
  const countDrop = (device: string): void => {
    st.drop.run(device, 1);
    entry(device).dropped++;
    total.dropped++;
  };

  // drop-oldest evicts the device's own oldest message first, so one device's burst does not erase
  // another's history; only when it has nothing kept does it take the oldest message of any device.
  const evictFor = (device: string): boolean => {
    const victim = st.oldestOf.get(device) ?? st.oldest.get();
    if (!victim) return false;
    st.del.run(victim.seq);
    account(victim.device, -1, -victim.bytes);
    countDrop(victim.device);
    return true;
  };

  const keep = db.transaction((device: string, text: string, bytes: number, policy: SpoolPolicy): PutResult => {
    if (bytes > budgetBytes) {
      countDrop(device);
      return 'dropped';
    }
    while (total.bufferedBytes + bytes > budgetBytes) {
      if (policy === 'drop-newest' || !evictFor(device)) {
        countDrop(device);
        return 'dropped';
      }
    }
    st.insert.run(device, bytes, text);
    account(device, 1, bytes);
    return 'spooled';
  });

  let flushing = false;
  function flush(): number {
    if (flushing) return 0;
    flushing = true;
    let moved = 0;
    let left = room();
    try {
      let after = 0;
      while (left > 0) {
        const rows = st.batch.all(after, Math.min(BATCH, left));
        if (rows.length === 0) break;
        let lastSent = -1;
        const sent: typeof rows = [];
        for (const r of rows) {
          // Rows are written by put() from JSON.stringify, so they parse; a damaged one is skipped, not retried forever.
          let msg: Message | undefined;
          try {
            msg = JSON.parse(r.msg) as Message;
          } catch {
            log.warn({ seq: r.seq, device: r.device }, 'unreadable spooled message skipped');
          }
          if (msg && !link.send(msg)) break;
          left--;
          lastSent = r.seq;
          sent.push(r);
        }
        if (lastSent >= 0) {
          st.delUpTo.run(lastSent);
          for (const r of sent) account(r.device, -1, -r.bytes);
          moved += sent.length;
        }
        if (sent.length < rows.length) break;
        after = lastSent;
      }
    } finally {
      flushing = false;
    }
    if (moved > 0) log.debug({ moved, left: total.buffered }, 'spool replayed');
    // Link up but full: come back when it has drained a little.
    if (total.buffered > 0 && link.isConnected() && !retry) {
      retry = setTimeout(() => {
        retry = undefined;
        try {
          flush();
        } catch (err) {
          log.warn({ err }, 'spool replay failed; retried on the next reconnect or put');
        }
      }, retryMs);
      retry.unref();
    }
    return moved;
  }

  link.onConnection((ev) => {
    if (ev !== 'connected' || total.buffered === 0) return;
    const moved = flush();
    log.info({ moved, left: total.buffered }, 'replayed spooled device messages after reconnect');
  });

  return {
    put(device, msg, policy = defaultPolicy) {
      // Straight through only when nothing older waits, so order is kept.
      if (total.buffered === 0 && link.isConnected() && room() > 0 && link.send(msg)) return 'sent';
      const text = JSON.stringify(msg);
      const res = keep(device, text, Buffer.byteLength(text), policy);
      if (res === 'dropped') log.debug({ device, policy }, 'spool full; message dropped');
      if (link.isConnected()) flush();
      return res;
    },
    flush,
    stats() {
      const devices: Record<string, DeviceSpoolStats> = {};
      for (const [k, v] of per) devices[k] = { ...v };
      return { ...total, devices };
    },
    deviceStats(device) {
      const e = per.get(device);
      return e ? { ...e } : { buffered: 0, bufferedBytes: 0, dropped: 0 };
    },
    close() {
      clearTimeout(retry);
      retry = undefined;
    },
  };
}
