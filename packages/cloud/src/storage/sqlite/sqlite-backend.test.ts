import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { silentLogger } from '@kedge/core';
import { runBackendContract } from '../contract.js';
import { SqliteBackend } from './sqlite-backend.js';

runBackendContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-sqlite-'));
  const file = path.join(dir, 'state.db');
  return {
    backend: new SqliteBackend({ path: file }, silentLogger()),
    reopen: async () => new SqliteBackend({ path: file }, silentLogger()),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

// A tiny ring forces replays through SQL instead of memory.
runBackendContract('sqlite (ring of 2)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-sqlite-'));
  const file = path.join(dir, 'state.db');
  return {
    backend: new SqliteBackend({ path: file, eventRingSize: 2, compactBatch: 3 }, silentLogger()),
    reopen: async () => new SqliteBackend({ path: file, eventRingSize: 2, compactBatch: 3 }, silentLogger()),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

test('sqlite: compaction physically removes superseded rows and delete markers in batches', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-sqlite-'));
  const file = path.join(dir, 'state.db');
  try {
    const b = new SqliteBackend({ path: file, compactBatch: 2 }, silentLogger());
    await b.open();
    await b.create('/r/a', 'a1');
    for (let i = 2; i <= 4; i++) await b.update('/r/a', `a${i}`);
    await b.create('/r/b', 'b');
    await b.delete('/r/b');
    await b.create('/r/c', 'c');
    const keep = await b.update('/r/c', 'c2');
    const afterKeep = await b.update('/r/c', 'c3');
    await b.compact(keep);
    await b.close();
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT id, name, deleted, value FROM kv_log ORDER BY id').all() as { id: number; name: string; deleted: number; value: string }[];
      assert.deepEqual(rows.map((r) => [r.name, r.value]), [['/r/a', 'a4'], ['/r/c', 'c2'], ['/r/c', 'c3']]);
      assert.equal((db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'kv_log'").get() as { seq: number }).seq, afterKeep);
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite: the (name, prev_revision) index refuses a second successor of one row', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-sqlite-'));
  const file = path.join(dir, 'state.db');
  try {
    const b = new SqliteBackend({ path: file }, silentLogger());
    await b.open();
    const r1 = await b.create('/r/a', 'a1');
    await b.update('/r/a', 'a2', r1);
    await b.close();
    const db = new Database(file);
    try {
      const racing = db.prepare('INSERT INTO kv_log (name, created, deleted, create_revision, prev_revision, value) VALUES (?, 0, 0, ?, ?, ?)');
      assert.throws(() => racing.run('/r/a', r1, r1, 'lost update'), /UNIQUE/);
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite: writes of one event-loop turn share a commit without losing isolation', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-sqlite-'));
  const file = path.join(dir, 'state.db');
  try {
    const b = new SqliteBackend({ path: file }, silentLogger());
    await b.open();
    await b.create('/r/taken', 'x');
    const base = b.currentRevision();
    const seen: number[] = [];
    b.watch('/r/', base, (ev) => seen.push(ev.revision));
    // Issued in the same turn: one batch. The duplicate fails alone; the others commit.
    const results = await Promise.allSettled([b.create('/r/a', '1'), b.create('/r/taken', 'y'), b.create('/r/b', '2'), b.update('/r/taken', 'z', base)]);
    assert.equal(results[0].status, 'fulfilled');
    assert.equal(results[1].status, 'rejected');
    assert.equal(results[2].status, 'fulfilled');
    assert.equal(results[3].status, 'fulfilled');
    const revs = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value);
    assert.deepEqual(revs, [base + 1, base + 2, base + 3]);
    assert.deepEqual(seen, revs, 'watchers get each committed event once, in order');
    assert.equal((await b.get('/r/taken'))?.value, 'z');

    // A watch opened while a batch is pending gets the pending writes live, not twice.
    const late: number[] = [];
    const pending = b.create('/r/c', '3');
    b.watch('/r/', base, (ev) => late.push(ev.revision));
    await pending;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(late, [base + 1, base + 2, base + 3, base + 4]);
    await b.close();

    const again = new SqliteBackend({ path: file }, silentLogger());
    await again.open();
    assert.equal(again.currentRevision(), base + 4, 'every batched write was durable');
    await again.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
