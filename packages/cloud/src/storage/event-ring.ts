import type { StorageEvent } from './types.js';

/**
 * The most recent events, so watches resuming from a recent revision replay without touching the
 * database. `coveredAfter` is the revision after which the ring holds every event. Bounded by count
 * and by value bytes, since a few 1.5 MB objects churning would otherwise pin gigabytes.
 */
export class EventRing {
  private readonly buf: (StorageEvent | undefined)[];
  private head = 0;
  private size = 0;
  private covered: number;
  private bytes = 0;

  constructor(
    readonly capacity: number,
    coveredAfter: number,
    readonly maxBytes = 64 * 1024 * 1024,
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
    if (this.size === this.capacity) this.evictOldest();
    this.buf[(this.head + this.size) % this.capacity] = ev;
    this.size++;
    this.bytes += weight(ev);
    while (this.bytes > this.maxBytes && this.size > 1) this.evictOldest();
  }

  private evictOldest(): void {
    const old = this.buf[this.head]!;
    this.buf[this.head] = undefined;
    this.covered = old.revision;
    this.bytes -= weight(old);
    this.head = (this.head + 1) % this.capacity;
    this.size--;
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

/** Approximate retained size (UTF-16 code units); a delete's kv and prev share one string. */
function weight(ev: StorageEvent): number {
  return ev.kv.value.length + (ev.prev && ev.prev.value !== ev.kv.value ? ev.prev.value.length : 0) + 64;
}
