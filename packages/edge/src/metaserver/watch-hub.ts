import type { MetaStore, StoreEvent } from '../metamanager/meta-store.js';

/**
 * Fans the store's change feed out to watch streams and keeps the last `capacity` events, so a client
 * that reconnects with a recent resourceVersion gets exactly what it missed.
 */
export class WatchHub {
  private readonly ring: StoreEvent[] = [];
  /** Every event with a revision above this one is still in the ring. */
  private coveredFrom: number;
  private readonly listeners = new Set<(ev: StoreEvent) => void>();
  private readonly unwatch: () => void;

  constructor(store: MetaStore, private readonly capacity = 1000, private readonly onError?: (err: unknown) => void) {
    this.coveredFrom = store.revision();
    this.unwatch = store.watch((ev) => this.publish(ev));
  }

  private publish(ev: StoreEvent): void {
    this.ring.push(ev);
    if (this.ring.length > this.capacity) this.coveredFrom = this.ring.shift()!.revision;
    for (const l of [...this.listeners]) {
      try {
        l(ev);
      } catch (err) {
        // A broken watch stream must not fail the cache write that fed it (the ACK depends on it).
        this.onError?.(err);
      }
    }
  }

  /** Events after `revision`, or undefined when some of them have left the history. */
  since(revision: number): StoreEvent[] | undefined {
    if (revision < this.coveredFrom) return undefined;
    return this.ring.filter((e) => e.revision > revision);
  }

  subscribe(listener: (ev: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unwatch();
    this.listeners.clear();
  }
}
