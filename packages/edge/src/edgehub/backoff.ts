/**
 * Reconnect delays: exponential growth capped at `maxMs`, with jitter so that thousands of edges
 * dropped by one CloudCore restart spread their redials instead of arriving together. KubeEdge's
 * fixed 5 × 5 s + 30 s schedule is deliberately not reproduced (issue 3).
 */
export interface BackoffOptions {
  /** Ceiling of the first delay. */
  initialMs: number;
  maxMs: number;
  /**
   * Fraction of each delay that is randomised: the delay is uniform in [base·(1−jitter), base].
   * 1 is "full jitter", 0.5 (the default) "equal jitter" (AWS architecture blog, "Exponential
   * Backoff And Jitter").
   */
  jitter: number;
  /** Uniform in [0, 1); injected by tests. */
  random?: () => number;
}

export const defaultBackoff: BackoffOptions = Object.freeze({ initialMs: 500, maxMs: 30_000, jitter: 0.5 });

export interface Backoff {
  /** The delay before the next attempt; each call grows the ceiling. */
  next(): number;
  /** Back to `initialMs`, after a connection that stayed up. */
  reset(): void;
  readonly attempts: number;
}

export function createBackoff(o: BackoffOptions): Backoff {
  if (!(o.initialMs > 0) || !(o.maxMs >= o.initialMs)) throw new Error(`invalid backoff: initialMs ${o.initialMs}, maxMs ${o.maxMs}`);
  const jitter = Math.min(1, Math.max(0, o.jitter));
  const random = o.random ?? Math.random;
  let attempts = 0;
  return {
    next() {
      // 2^attempts overflows to Infinity long after the cap applies; min() keeps it finite.
      const base = Math.min(o.maxMs, o.initialMs * 2 ** attempts);
      attempts++;
      return Math.round(base * (1 - jitter * random()));
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
