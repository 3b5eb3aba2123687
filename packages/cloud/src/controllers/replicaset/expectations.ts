/**
 * Upstream "controller expectations", tracked by pod name: after a reconcile creates or deletes pods,
 * the next reconcile must not act on a cache that has not yet seen those writes, or it would create
 * (or delete) the same replicas twice. Pending names clear when the informer reports them, or when the
 * reconciler finds the cache already agrees; after `ttlMs` they are given up (upstream: 5 minutes).
 */
export class Expectations {
  private readonly pending = new Map<string, { adds: Set<string>; dels: Set<string>; at: number }>();

  constructor(private readonly now: () => number, private readonly ttlMs = 5 * 60_000) {}

  private entry(key: string) {
    let e = this.pending.get(key);
    if (!e) this.pending.set(key, (e = { adds: new Set(), dels: new Set(), at: this.now() }));
    e.at = this.now();
    return e;
  }

  expectCreations(key: string, names: string[]): void {
    if (names.length === 0) return;
    const e = this.entry(key);
    for (const n of names) e.adds.add(n);
  }

  expectDeletions(key: string, names: string[]): void {
    if (names.length === 0) return;
    const e = this.entry(key);
    for (const n of names) e.dels.add(n);
  }

  creationObserved(key: string, name: string): void {
    this.pending.get(key)?.adds.delete(name);
  }

  deletionObserved(key: string, name: string): void {
    this.pending.get(key)?.dels.delete(name);
  }

  /**
   * True when every expected write is visible. `cached(name)` answers from the informer: 'present',
   * 'terminating' (deletionTimestamp set counts as deletion observed) or 'absent'.
   */
  satisfied(key: string, cached: (name: string) => 'present' | 'terminating' | 'absent'): boolean {
    const e = this.pending.get(key);
    if (!e) return true;
    for (const n of e.adds) if (cached(n) !== 'absent') e.adds.delete(n);
    for (const n of e.dels) if (cached(n) !== 'present') e.dels.delete(n);
    if (e.adds.size === 0 && e.dels.size === 0) {
      this.pending.delete(key);
      return true;
    }
    if (this.now() - e.at >= this.ttlMs) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }

  /** Ms until the pending expectations of `key` expire (for a requeue), or undefined when none. */
  msUntilExpiry(key: string): number | undefined {
    const e = this.pending.get(key);
    return e ? Math.max(0, e.at + this.ttlMs - this.now()) : undefined;
  }

  forget(key: string): void {
    this.pending.delete(key);
  }
}
