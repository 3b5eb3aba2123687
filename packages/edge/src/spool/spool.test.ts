import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { newMessage, type Message } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { FakeEdgeLink } from '../metamanager/fake-edge-link.js';
import { openSpool, type SpoolPolicy } from './spool.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-spool-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;

// Same-length messages, so a budget of k messages is k × size.
const reading = (i: number, device = 'default/t1'): Message =>
  newMessage({ source: 'twin', group: 'twin', operation: 'update', resource: `device/${device}/twin/edge_updated`, content: { seq: String(i).padStart(5, '0') }, now: 1_700_000_000_000 });
const seqOf = (m: Message) => Number((m.content as { seq: string }).seq);
const size = Buffer.byteLength(JSON.stringify(reading(0)));

function open(file: string, link: FakeEdgeLink, budgetBytes = 1 << 20, defaultPolicy: SpoolPolicy = 'drop-oldest') {
  const db = new Database(file);
  return { db, spool: openSpool({ db, link, budgetBytes, defaultPolicy, log: silentLogger() }) };
}

describe('spool', () => {
  it('sends straight through while the link is up and nothing waits', () => {
    const link = new FakeEdgeLink();
    const { db, spool } = open(path.join(dir, `s${n++}.db`), link);
    assert.equal(spool.put('default/t1', reading(1)), 'sent');
    assert.deepEqual(link.sent.map(seqOf), [1]);
    assert.equal(spool.stats().buffered, 0);
    db.close();
  });

  it('keeps messages while the link is down and replays them in order on connected', () => {
    const link = new FakeEdgeLink();
    const { db, spool } = open(path.join(dir, `s${n++}.db`), link);
    link.setConnected(false);
    for (let i = 0; i < 300; i++) assert.equal(spool.put('default/t1', reading(i)), 'spooled');
    assert.equal(spool.stats().buffered, 300);
    assert.equal(spool.stats().bufferedBytes, 300 * size);
    assert.equal(link.sent.length, 0);
    link.setConnected(true);
    assert.deepEqual(link.sent.map(seqOf), Array.from({ length: 300 }, (_, i) => i));
    assert.deepEqual(spool.stats(), { buffered: 0, bufferedBytes: 0, dropped: 0, devices: { 'default/t1': { buffered: 0, bufferedBytes: 0, dropped: 0 } } });
    db.close();
  });

  it('a message put while older ones wait goes after them', () => {
    const link = new FakeEdgeLink();
    const { db, spool } = open(path.join(dir, `s${n++}.db`), link);
    link.connected = false;
    spool.put('default/t1', reading(1));
    spool.put('default/t1', reading(2));
    link.connected = true; // up, but the 'connected' event has not fired yet
    spool.put('default/t1', reading(3));
    assert.deepEqual(link.sent.map(seqOf), [1, 2, 3]);
    db.close();
  });

  for (const policy of ['drop-oldest', 'drop-newest'] as const) {
    it(`over budget with ${policy}: exactly the policy's survivors and every drop counted`, () => {
      const link = new FakeEdgeLink();
      // Room for 5 messages and a half: the budget is never exceeded.
      const { db, spool } = open(path.join(dir, `s${n++}.db`), link, 5 * size + Math.floor(size / 2), policy);
      link.setConnected(false);
      const results = Array.from({ length: 12 }, (_, i) => spool.put('default/t1', reading(i)));
      const st = spool.stats();
      assert.equal(st.buffered, 5);
      assert.ok(st.bufferedBytes <= 5 * size + size / 2);
      assert.equal(st.dropped, 7);
      assert.equal(st.devices['default/t1']?.dropped, 7);
      assert.equal(results.filter((r) => r === 'dropped').length, policy === 'drop-newest' ? 7 : 0);
      link.setConnected(true);
      assert.deepEqual(link.sent.map(seqOf), policy === 'drop-oldest' ? [7, 8, 9, 10, 11] : [0, 1, 2, 3, 4]);
      db.close();
    });
  }

  it('drop-oldest takes the device\'s own oldest first, and a per-call policy overrides the default', () => {
    const link = new FakeEdgeLink();
    const { db, spool } = open(path.join(dir, `s${n++}.db`), link, 4 * size);
    link.setConnected(false);
    spool.put('default/a', reading(100, 'default/aa'));
    spool.put('default/a', reading(101, 'default/aa'));
    spool.put('default/b', reading(200, 'default/bb'));
    spool.put('default/b', reading(201, 'default/bb'));
    spool.put('default/b', reading(202, 'default/bb')); // b's oldest (200) goes, not a's
    assert.equal(spool.put('default/a', reading(102, 'default/aa'), 'drop-newest'), 'dropped');
    const st = spool.stats();
    assert.deepEqual([st.devices['default/a']?.dropped, st.devices['default/b']?.dropped, st.dropped], [1, 1, 2]);
    link.setConnected(true);
    assert.deepEqual(link.sent.map(seqOf), [100, 101, 201, 202]);
    db.close();
  });

  it('a replay is paced by the link\'s room, so a bounded queue in front of the socket never overflows', async () => {
    const link = new FakeEdgeLink();
    let queued = 0; // what the link holds and has not written yet
    const db = new Database(path.join(dir, `s${n++}.db`));
    const spool = openSpool({ db, link, budgetBytes: 1 << 20, defaultPolicy: 'drop-oldest', log: silentLogger(), room: () => 50 - queued, retryMs: 5 });
    link.onSend = () => {
      queued++;
      assert.ok(queued <= 50, 'never more than the room');
    };
    link.setConnected(false);
    for (let i = 0; i < 300; i++) spool.put('default/t1', reading(i));
    link.setConnected(true);
    assert.equal(link.sent.length, 50);
    for (let i = 0; i < 200 && spool.stats().buffered > 0; i++) {
      queued = 0; // the socket drained
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(link.sent.map(seqOf), Array.from({ length: 300 }, (_, i) => i));
    spool.close();
    db.close();
  });

  it('a restart keeps the spooled messages and the drop counts', () => {
    const file = path.join(dir, `s${n++}.db`);
    const link = new FakeEdgeLink();
    link.connected = false;
    const first = open(file, link, 3 * size);
    for (let i = 0; i < 5; i++) first.spool.put('default/t1', reading(i));
    first.db.close();
    const link2 = new FakeEdgeLink();
    link2.connected = false;
    const second = open(file, link2, 3 * size);
    assert.equal(second.spool.stats().buffered, 3);
    assert.equal(second.spool.stats().dropped, 2);
    link2.setConnected(true);
    assert.deepEqual(link2.sent.map(seqOf), [2, 3, 4]);
    second.db.close();
  });
});
