import type { WorkQueue } from '../controller/types.js';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WorkQueueOptions {
  /** First retry delay of addRateLimited; doubles per consecutive failure. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injected for tests that drive delays by hand. */
  timers?: Timers;
  now?: () => number;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // Delayed retries must not keep a finished process alive.
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * client-go's workqueue semantics: a key sits in the queue at most once (dirty set), is handed to one
 * worker at a time (processing set), and a key re-added while processing is queued again on done().
 */
export function createWorkQueue(opts: WorkQueueOptions = {}): WorkQueue {
  const baseDelayMs = opts.baseDelayMs ?? 100;
  const maxDelayMs = opts.maxDelayMs ?? 5 * 60_000;
  const timers = opts.timers ?? realTimers;
  const now = opts.now ?? Date.now;
  const queue: string[] = [];
  let head = 0;
  const dirty = new Set<string>();
  const processing = new Set<string>();
  const failures = new Map<string, number>();
  const delayed = new Map<string, { due: number; handle: unknown }>();
  const waiters: Array<(key: string | undefined) => void> = [];
  let shuttingDown = false;

  const push = (key: string): void => {
    const w = waiters.shift();
    if (w) {
      processing.add(key);
      w(key);
      return;
    }
    queue.push(key);
  };

  const add = (key: string): void => {
    if (shuttingDown || dirty.has(key)) return;
    dirty.add(key);
    if (processing.has(key)) return;
    push(key);
  };

  const addAfter = (key: string, delayMs: number): void => {
    if (shuttingDown) return;
    if (delayMs <= 0) return add(key);
    const due = now() + delayMs;
    const prev = delayed.get(key);
    // Keep only the earliest pending wake-up per key.
    if (prev && prev.due <= due) return;
    if (prev) timers.clearTimeout(prev.handle);
    const handle = timers.setTimeout(() => {
      delayed.delete(key);
      add(key);
    }, delayMs);
    delayed.set(key, { due, handle });
  };

  return {
    add,
    addAfter,
    addRateLimited(key) {
      const n = failures.get(key) ?? 0;
      failures.set(key, n + 1);
      addAfter(key, Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(n, 32)));
    },
    forget(key) {
      failures.delete(key);
    },
    get() {
      if (head < queue.length) {
        const key = queue[head++]!;
        if (head > 1024 && head * 2 > queue.length) {
          queue.splice(0, head);
          head = 0;
        }
        processing.add(key);
        dirty.delete(key);
        return Promise.resolve(key);
      }
      if (shuttingDown) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        waiters.push((key) => {
          if (key !== undefined) dirty.delete(key);
          resolve(key);
        });
      });
    },
    done(key) {
      processing.delete(key);
      if (dirty.has(key)) push(key);
    },
    len() {
      return queue.length - head;
    },
    shutDown() {
      shuttingDown = true;
      for (const { handle } of delayed.values()) timers.clearTimeout(handle);
      delayed.clear();
      for (const w of waiters.splice(0)) w(undefined);
    },
  };
}
