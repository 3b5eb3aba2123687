import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBackoff } from './backoff.js';
import { createTokenBucket } from './token-bucket.js';

/** A small deterministic PRNG (LCG, Numerical Recipes constants) so distributions are reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('backoff', () => {
  it('grows exponentially to the cap; random 0 gives the ceiling, random→1 the floor', () => {
    const hi = createBackoff({ initialMs: 500, maxMs: 30_000, jitter: 0.5, random: () => 0 });
    assert.deepEqual(Array.from({ length: 9 }, () => hi.next()), [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    const lo = createBackoff({ initialMs: 500, maxMs: 30_000, jitter: 0.5, random: () => 0.999999 });
    assert.deepEqual(Array.from({ length: 4 }, () => lo.next()), [250, 500, 1000, 2000]);
  });

  it('reset() returns to the initial delay', () => {
    const b = createBackoff({ initialMs: 100, maxMs: 1000, jitter: 0, random: () => 0.3 });
    b.next(); b.next(); b.next();
    assert.equal(b.attempts, 3);
    b.reset();
    assert.equal(b.next(), 100);
  });

  it('spreads a herd of simultaneous reconnects over the jitter window', () => {
    // 5,000 edges all at their 6th attempt (ceiling 16 s): delays must cover [8 s, 16 s] evenly.
    const random = lcg(42);
    const delays: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const b = createBackoff({ initialMs: 500, maxMs: 30_000, jitter: 0.5, random });
      for (let k = 0; k < 5; k++) b.next();
      delays.push(b.next());
    }
    assert.ok(delays.every((d) => d >= 8000 && d <= 16_000), 'delays stay inside [base/2, base]');
    const buckets = new Array<number>(8).fill(0);
    for (const d of delays) buckets[Math.min(7, Math.floor((d - 8000) / 1000))]!++;
    // Uniform: each 1 s bucket holds ~625; no bucket (no second) gets a burst.
    for (const n of buckets) assert.ok(n > 500 && n < 750, `bucket sizes ${buckets.join(',')}`);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    assert.ok(Math.abs(mean - 12_000) < 200, `mean ${mean}`);
  });

  it('full jitter (1) reaches down to zero', () => {
    const random = lcg(7);
    const b = createBackoff({ initialMs: 1000, maxMs: 1000, jitter: 1, random });
    const d = Array.from({ length: 2000 }, () => b.next());
    assert.ok(Math.min(...d) < 50 && Math.max(...d) > 950);
  });

  it('rejects nonsense', () => {
    assert.throws(() => createBackoff({ initialMs: 0, maxMs: 10, jitter: 0.5 }));
    assert.throws(() => createBackoff({ initialMs: 100, maxMs: 10, jitter: 0.5 }));
  });
});

describe('token bucket', () => {
  it('allows a burst, then refills at qps', () => {
    let t = 0;
    const b = createTokenBucket(10, 3, () => t);
    assert.deepEqual([b.tryTake(), b.tryTake(), b.tryTake(), b.tryTake()], [true, true, true, false]);
    assert.equal(b.waitMs(), 100);
    t = 50;
    assert.equal(b.tryTake(), false);
    assert.equal(b.waitMs(), 50);
    t = 100;
    assert.equal(b.tryTake(), true);
    t = 10_000;
    assert.deepEqual([b.tryTake(), b.tryTake(), b.tryTake(), b.tryTake()], [true, true, true, false]);
  });
});
