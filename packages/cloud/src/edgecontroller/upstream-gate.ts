/**
 * Bounds how many upstream messages are handled at once. Without it every edge message became an
 * in-flight API request at once, and at 5,000 nodes (500 lease renewals/s) the promise pile and the
 * API client's pending requests grew without bound whenever the API server fell behind.
 *
 * Work with a `coalesce` key (a node's lease renewal) that is still queued when a newer one for the
 * same key arrives is replaced: only the newest write runs, and every waiter gets its outcome. A lease
 * renewal carries the whole Lease, so the older write would be overwritten anyway.
 */
export interface UpstreamGate {
  run<T>(work: () => Promise<T>, coalesce?: string): Promise<T>;
  /**
   * Refuses queued and later work with `reason` (running work finishes). At shutdown a backlog of lease
   * writes for nodes that are being disconnected only delays the ObjectSync flush behind it in the API
   * client; the edges send them again after reconnecting.
   */
  close(reason: Error): void;
  /** Queued, not yet started. */
  readonly queued: number;
  readonly active: number;
}

interface Job {
  work: () => Promise<unknown>;
  waiters: Array<{ resolve: (v: unknown) => void; reject: (e: unknown) => void }>;
  key?: string;
}

export function createUpstreamGate(limit: number): UpstreamGate {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`upstream concurrency must be a positive integer, got ${limit}`);
  const queue: Job[] = [];
  let head = 0;
  const pending = new Map<string, Job>();
  let active = 0;
  let closed: Error | undefined;

  const pump = (): void => {
    while (active < limit && head < queue.length) {
      const job = queue[head]!;
      queue[head++] = undefined as unknown as Job;
      if (head > 1024 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      if (job.key !== undefined) pending.delete(job.key);
      active++;
      job.work().then(
        (v) => { for (const w of job.waiters) w.resolve(v); },
        (e: unknown) => { for (const w of job.waiters) w.reject(e); },
      ).finally(() => {
        active--;
        pump();
      });
    }
  };

  return {
    run<T>(work: () => Promise<T>, key?: string): Promise<T> {
      if (closed) return Promise.reject(closed);
      return new Promise<T>((resolve, reject) => {
        const waiter = { resolve: resolve as (v: unknown) => void, reject };
        const queuedJob = key === undefined ? undefined : pending.get(key);
        if (queuedJob) {
          queuedJob.work = work;
          queuedJob.waiters.push(waiter);
          return;
        }
        const job: Job = { work, waiters: [waiter], ...(key === undefined ? {} : { key }) };
        if (key !== undefined) pending.set(key, job);
        queue.push(job);
        pump();
      });
    },
    close(reason) {
      closed = reason;
      const refused = queue.slice(head);
      queue.length = 0;
      head = 0;
      pending.clear();
      for (const job of refused) for (const w of job.waiters) w.reject(reason);
    },
    get queued() { return queue.length - head; },
    get active() { return active; },
  };
}
