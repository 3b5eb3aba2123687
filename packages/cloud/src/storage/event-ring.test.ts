import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventRing } from './event-ring.js';
import type { StorageEvent } from './types.js';

const ev = (revision: number, key: string): StorageEvent => ({ type: 'create', kv: { key, value: '', createRevision: revision, modRevision: revision }, revision });

test('event ring answers only what it fully covers', () => {
  const ring = new EventRing(3, 10);
  assert.deepEqual(ring.since(10, ''), []);
  assert.equal(ring.since(9, ''), undefined);
  for (let r = 11; r <= 15; r++) ring.push(ev(r, r % 2 ? '/a/x' : '/b/x'));
  assert.equal(ring.length, 3);
  assert.equal(ring.coveredAfter, 12);
  assert.equal(ring.since(11, ''), undefined);
  assert.deepEqual(ring.since(12, '')!.map((e) => e.revision), [13, 14, 15]);
  assert.deepEqual(ring.since(13, '/a/')!.map((e) => e.revision), [15]);
  assert.deepEqual(ring.since(15, ''), []);
  assert.deepEqual(ring.since(99, ''), []);
});

test('event ring rejects a useless capacity', () => {
  assert.throws(() => new EventRing(0, 0));
});

test('event ring also evicts by value bytes', () => {
  const ring = new EventRing(100, 0, 1000);
  const big = (revision: number): StorageEvent => ({ type: 'create', kv: { key: '/k', value: 'x'.repeat(400), createRevision: revision, modRevision: revision }, revision });
  ring.push(big(1));
  ring.push(big(2));
  assert.equal(ring.length, 2);
  ring.push(big(3));
  assert.equal(ring.length, 2);
  assert.equal(ring.coveredAfter, 1);
  assert.deepEqual(ring.since(1, '')!.map((e) => e.revision), [2, 3]);
  const huge: StorageEvent = { ...big(4), kv: { ...big(4).kv, value: 'x'.repeat(5000) } };
  ring.push(huge);
  assert.equal(ring.length, 1, 'the newest event stays even when it alone exceeds the budget');
  assert.equal(ring.coveredAfter, 3);
});
