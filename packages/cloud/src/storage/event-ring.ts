import type { StorageEvent } from './types.js';

/**
 * The most recent events, so watches resuming from a recent revision replay without touching the
 * database. `coveredAfter` is the revision after which the ring holds every event.
 */
export class EventRing {
  private readonly buf: (StorageEvent | undefined)[];
  private head = 0;
  private size = 0;
  private covered: number;

  constructor(
    readonly capacity: number,
    coveredAfter: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`event ring capacity must be a positive integer, got ${capacity}`);
    this.buf = new Array<StorageEvent | undefined>(capacity);
    this.covered = coveredAfter;
  }

  get coveredAfter(): number {
    return this.covered;
  }

  get length(): number {
    return this.size;
  }

  push(ev: StorageEvent): void {
    const slot = (this.head + this.size) % this.capacity;
    if (this.size === this.capacity) {
      this.covered = this.buf[this.head]!.revision;
      this.head = (this.head + 1) % this.capacity;
    } else {
      this.size++;
    }
    this.buf[slot] = ev;
  }

  /** Events with revision > `after` under `prefix`, or undefined when the ring no longer covers `after`. */
  since(after: number, prefix: string): StorageEvent[] | undefined {
    if (after < this.covered) return undefined;
    const out: StorageEvent[] = [];
    for (let i = this.firstAfter(after); i < this.size; i++) {
      const ev = this.buf[(this.head + i) % this.capacity]!;
      if (ev.kv.key.startsWith(prefix)) out.push(ev);
    }
    return out;
  }

  private firstAfter(revision: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.buf[(this.head + mid) % this.capacity]!.revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
