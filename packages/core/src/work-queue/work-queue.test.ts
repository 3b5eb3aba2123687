import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorkQueue, type Timers } from './work-queue.js';

function manualTimers() {
  let t = 0;
  const pending: Array<{ at: number; fn: () => void; id: number }> = [];
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn, ms) => { const id = next++; pending.push({ at: t + ms, fn, id }); return id; },
    clearTimeout: (h) => { const i = pending.findIndex((p) => p.id === h); if (i >= 0) pending.splice(i, 1); },
  };
  return {
    timers,
    now: () => t,
    delays: () => pending.map((p) => p.at - t).sort((a, b) => a - b),
    advance(ms: number) {
      t += ms;
      for (const p of pending.filter((x) => x.at <= t)) { pending.splice(pending.indexOf(p), 1); p.fn(); }
    },
  };
}

test('deduplicates keys and preserves FIFO order', async () => {
  const q = createWorkQueue();
  q.add('a'); q.add('b'); q.add('a');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.len(), 0);
});

test('a key re-added while processing is queued again only after done', async () => {
  const q = createWorkQueue();
  q.add('a');
  const k = await q.get();
  q.add('a');
  assert.equal(q.len(), 0, 'not handed out twice concurrently');
  q.done(k!);
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), 'a');
  q.done('a');
  assert.equal(q.len(), 0);
});

test('get waits for a key and shutDown wakes waiters with undefined', async () => {
  const q = createWorkQueue();
  const p = q.get();
  q.add('x');
  assert.equal(await p, 'x');
  const p2 = q.get();
  q.shutDown();
  assert.equal(await p2, undefined);
  q.add('y');
  assert.equal(await q.get(), undefined);
});

test('a key added while a waiter holds it is not duplicated', async () => {
  const q = createWorkQueue();
  const p = q.get();
  q.add('x');
  q.add('x');
  assert.equal(await p, 'x');
  assert.equal(q.len(), 0);
  q.done('x');
  assert.equal(q.len(), 1, 'second add during processing requeues once');
});

test('addRateLimited backs off exponentially up to the max, forget resets', () => {
  const m = manualTimers();
  const q = createWorkQueue({ timers: m.timers, now: m.now, baseDelayMs: 100, maxDelayMs: 1000 });
  const seen: number[] = [];
  for (let i = 0; i < 6; i++) {
    q.addRateLimited('k');
    seen.push(m.delays()[0]!);
    m.advance(seen[i]!);
    assert.equal(q.len(), 1);
    void q.get();
    q.done('k');
  }
  assert.deepEqual(seen, [100, 200, 400, 800, 1000, 1000]);
  q.forget('k');
  q.addRateLimited('k');
  assert.deepEqual(m.delays(), [100]);
});

test('addAfter keeps the earliest wake-up per key', () => {
  const m = manualTimers();
  const q = createWorkQueue({ timers: m.timers, now: m.now });
  q.addAfter('k', 500);
  q.addAfter('k', 1000);
  q.addAfter('k', 200);
  assert.deepEqual(m.delays(), [200]);
  m.advance(199);
  assert.equal(q.len(), 0);
  m.advance(1);
  assert.equal(q.len(), 1);
});
