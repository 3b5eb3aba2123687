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
