import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackoff } from './backoff.js';
import { goDuration } from './container-sync.js';

test('the first restart is immediate, then delays double up to the maximum', () => {
  let t = 0;
  const b = createBackoff({ initialMs: 10_000, maxMs: 40_000, now: () => t });
  assert.equal(b.inBackoff('c'), false);
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    b.next('c');
    delays.push(b.delayMs('c'));
    assert.equal(b.inBackoff('c'), true);
    t += b.delayMs('c') - 1;
    assert.equal(b.inBackoff('c'), true);
    t += 1;
    assert.equal(b.inBackoff('c'), false);
  }
  assert.deepEqual(delays, [10_000, 20_000, 40_000, 40_000, 40_000]);
  assert.equal(b.inBackoff('other'), false);
});

test('a key quiet for twice the maximum starts over; forget and prune drop keys', () => {
  let t = 0;
  const b = createBackoff({ initialMs: 10, maxMs: 100, now: () => t });
  b.next('a');
  b.next('a');
  assert.equal(b.delayMs('a'), 20);
  t += 201;
  assert.equal(b.delayMs('a'), 0);
  b.next('a');
  assert.equal(b.delayMs('a'), 10);
  b.forget('a');
  assert.equal(b.inBackoff('a'), false);
  b.next('x/1');
  b.next('y/1');
  b.prune((k) => k.startsWith('x/'));
  assert.equal(b.delayMs('x/1'), 10);
  assert.equal(b.delayMs('y/1'), 0);
});

test('backoff messages use Go duration format, as kubelet prints them', () => {
  assert.equal(goDuration(10_000), '10s');
  assert.equal(goDuration(160_000), '2m40s');
  assert.equal(goDuration(300_000), '5m0s');
});
