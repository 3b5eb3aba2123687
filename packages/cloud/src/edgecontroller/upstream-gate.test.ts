import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createUpstreamGate } from './upstream-gate.js';

const deferred = () => {
  let resolve!: (v: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
};

test('at most `limit` jobs run at once; the rest start as slots free up, in order', async () => {
  const gate = createUpstreamGate(2);
  const started: number[] = [];
  const gates = [deferred(), deferred(), deferred(), deferred()];
  const results = gates.map((d, i) => gate.run(() => { started.push(i); return d.promise; }));
  assert.deepEqual(started, [0, 1]);
  assert.equal(gate.queued, 2);
  gates[1]!.resolve('b');
  assert.equal(await results[1], 'b');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1, 2]);
  gates[0]!.resolve('a');
  gates[2]!.resolve('c');
  gates[3]!.resolve('d');
  assert.deepEqual(await Promise.all(results), ['a', 'b', 'c', 'd']);
  assert.equal(gate.active, 0);
});

test('a queued job with the same key is replaced by the newer one and both callers get its result', async () => {
  const gate = createUpstreamGate(1);
  const block = deferred();
  const ran: string[] = [];
  const first = gate.run(() => block.promise);
  const older = gate.run(async () => { ran.push('old'); return 'old'; }, 'lease/n1');
  const newer = gate.run(async () => { ran.push('new'); return 'new'; }, 'lease/n1');
  const other = gate.run(async () => { ran.push('n2'); return 'n2'; }, 'lease/n2');
  block.resolve('x');
  assert.deepEqual(await Promise.all([first, older, newer, other]), ['x', 'new', 'new', 'n2']);
  assert.deepEqual(ran, ['new', 'n2']);
  // Once started, a key is no longer coalesced: the next renewal is its own write.
  const again = gate.run(async () => 'again', 'lease/n1');
  assert.equal(await again, 'again');
});

test('a failing job rejects all its waiters and frees its slot', async () => {
  const gate = createUpstreamGate(1);
  await assert.rejects(gate.run(() => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(await gate.run(async () => 'next'), 'next');
  assert.throws(() => createUpstreamGate(0), /positive integer/);
});

test('close refuses queued and later work; running work completes', async () => {
  const gate = createUpstreamGate(1);
  let release!: () => void;
  const running = gate.run(() => new Promise<string>((r) => (release = () => r('ran'))));
  const queuedA = gate.run(async () => 'a');
  const queuedB = gate.run(async () => 'b', 'lease/n1');
  const reason = new Error('shutting down');
  gate.close(reason);
  assert.equal(gate.queued, 0);
  await assert.rejects(queuedA, reason);
  await assert.rejects(queuedB, reason);
  await assert.rejects(gate.run(async () => 'late'), reason);
  release();
  assert.equal(await running, 'ran');
  await new Promise((r) => setImmediate(r));
  assert.equal(gate.active, 0);
});
