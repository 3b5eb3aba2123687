/** CrashLoopBackOff timing: kubelet starts at 10 s and doubles up to 5 min (pkg/kubelet/kubelet.go). */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
}

export interface Backoff {
  /** True while `key` must still wait after its last restart. */
  inBackoff(key: string): boolean;
  /** The delay now in force for `key` (0 when none). */
  delayMs(key: string): number;
  /** Records a restart of `key` now and lengthens its next delay. */
  next(key: string): void;
  forget(key: string): void;
  /** Drops keys for which `keep` is false (pods that left). */
  prune(keep: (key: string) => boolean): void;
}

interface Entry {
  delayMs: number;
  lastMs: number;
}

/**
 * Per-key exponential backoff on an injected clock. The first restart is immediate; each one within
 * the window doubles the next delay. A key quiet for twice the maximum starts over, as kubelet's
 * flowcontrol.Backoff does, so a container that crashes once a day is not held back for 5 minutes.
 */
export function createBackoff(o: BackoffOptions & { now: () => number }): Backoff {
  const initial = o.initialMs ?? 10_000;
  const max = o.maxMs ?? 300_000;
  const entries = new Map<string, Entry>();
  const live = (key: string): Entry | undefined => {
    const e = entries.get(key);
    if (e && o.now() - e.lastMs > 2 * max) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  return {
    inBackoff(key) {
      const e = live(key);
      return e !== undefined && o.now() - e.lastMs < e.delayMs;
    },
    delayMs(key) {
      return live(key)?.delayMs ?? 0;
    },
    next(key) {
      const e = live(key);
      entries.set(key, { delayMs: e ? Math.min(e.delayMs * 2, max) : initial, lastMs: o.now() });
    },
    forget(key) {
      entries.delete(key);
    },
    prune(keep) {
      for (const k of entries.keys()) if (!keep(k)) entries.delete(k);
    },
  };
}
