import type { Logger } from '@kedge/core';
import type { StorageEvent, Watcher } from './types.js';

interface Subscription {
  prefix: string;
  /**
   * Live events at or below this revision are skipped: the watch asked for later ones, or they were
   * committed before it started (possibly still queued here) and so are part of its replay.
   */
  after: number;
  onEvent: (ev: StorageEvent) => void;
  /** Non-null while the replay is pending: live events queue behind it to keep revision order. */
  backlog: StorageEvent[] | null;
  stopped: boolean;
}

/**
 * Fans committed events out to watchers. Shared by every backend so ordering and isolation rules
 * live in one place: events reach each watcher in revision order, a callback that writes to the
 * store (re-entrant publish) cannot reorder delivery for the others, and a throwing callback is
 * logged and skipped.
 */
export class WatchHub {
  private readonly subs = new Set<Subscription>();
  private readonly pending: StorageEvent[] = [];
  private dispatching = false;

  constructor(private readonly log: Logger) {}

  /**
   * Registers a watcher whose history (`replay`, already filtered and in order) is delivered on a
   * microtask, so the caller holds the Watcher before its first callback; live events published
   * meanwhile are queued behind the replay.
   */
  add(prefix: string, after: number, replay: StorageEvent[], onEvent: (ev: StorageEvent) => void): Watcher {
    const sub: Subscription = { prefix, after, onEvent, backlog: replay, stopped: false };
    this.subs.add(sub);
    queueMicrotask(() => this.drainBacklog(sub));
    return {
      stop: () => {
        sub.stopped = true;
        sub.backlog = null;
        this.subs.delete(sub);
      },
    };
  }

  publish(ev: StorageEvent): void {
    // One event object reaches every watcher (and the replay ring), so nobody may edit it.
    Object.freeze(ev.kv);
    if (ev.prev) Object.freeze(ev.prev);
    this.pending.push(Object.freeze(ev));
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        for (const sub of this.subs) {
          if (next.revision <= sub.after || !next.kv.key.startsWith(sub.prefix)) continue;
          if (sub.backlog) sub.backlog.push(next);
          else this.deliver(sub, next);
        }
      }
    } finally {
      this.dispatching = false;
    }
  }

  stopAll(): void {
    for (const sub of this.subs) {
      sub.stopped = true;
      sub.backlog = null;
    }
    this.subs.clear();
  }

  private drainBacklog(sub: Subscription): void {
    // The backlog stays non-null while draining, so events published by a callback queue behind it.
    while (sub.backlog && sub.backlog.length > 0) {
      this.deliver(sub, sub.backlog.shift()!);
    }
    if (!sub.stopped) sub.backlog = null;
  }

  private deliver(sub: Subscription, ev: StorageEvent): void {
    if (sub.stopped) return;
    try {
      sub.onEvent(ev);
    } catch (err) {
      this.log.error({ err, prefix: sub.prefix, revision: ev.revision }, 'watch callback threw');
    }
  }
}
