/**
 * A sender's flow-control credit for one session: Data costs its length, the receiver returns it with
 * Window frames once delivered. A sender out of credit stops reading its source, so a slow client holds
 * at most SESSION_WINDOW bytes in flight instead of an unbounded buffer.
 */
export class Credit {
  private waiters: Array<() => void> = [];
  constructor(private available: number) {}

  get exhausted(): boolean {
    return this.available <= 0;
  }

  take(n: number): void {
    this.available -= n;
  }

  grant(n: number): void {
    this.available += n;
    if (this.available > 0) this.release();
  }

  /** Resolves when there is credit again, or when `signal` aborts. */
  wait(signal: AbortSignal): Promise<void> {
    if (!this.exhausted || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Wakes every waiter (also on session end, so no one waits forever). */
  release(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
