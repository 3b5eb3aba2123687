import type { Message } from '@kedge/api';
import { compareRv, type AckInfo } from './classify.js';

type State = 'ready' | 'inflight' | 'blocked' | 'backoff';

export interface QueueEntry {
  msg: Message;
  info: AckInfo;
  state: State;
  sentAt: number;
  /** Resends of the current attempt. */
  retries: number;
  /** Attempts that ran out of resends; drives the backoff. */
  failures: number;
  notBefore: number;
}

export interface NodeQueueOptions {
  /** RV the node last acknowledged for `uid` (ObjectSync), or undefined. */
  acked(uid: string): string | undefined;
  /** Told about every resend after an ACK timeout (metrics). */
  resent?: () => void;
  ackTimeoutMs: number;
  ackRetries: number;
  /** Ack-required messages in flight at once; pipelining keeps high-latency links busy. */
  window: number;
  maxBackoffMs: number;
}

export type Writer = (msg: Message) => void;

/**
 * One node's reliable delivery queue (KubeEdge's AckMessageStore + workqueue): the newest wanted message
 * per key, at most one message per key in flight, resends on ACK timeout, then exponential backoff.
 * Pure bookkeeping: the caller supplies the clock reading and the socket writer.
 */
export class NodeQueue {
  /** key → newest message the node should get. */
  private readonly store = new Map<string, QueueEntry>();
  /** msg_id → entry, in send order (a resend moves it to the end) so timeouts are found from the front. */
  private readonly inflight = new Map<string, QueueEntry>();
  /** key → its in-flight entry; a newer entry for the same key waits ("blocked") until it is settled. */
  private readonly busy = new Map<string, QueueEntry>();
  private readonly ready = new Set<string>();
  private readonly delayed = new Set<string>();

  constructor(private readonly o: NodeQueueOptions) {}

  private newerThanAcked(info: AckInfo): boolean {
    if (info.isDelete || info.isResponse || !info.uid) return true;
    const acked = this.o.acked(info.uid);
    return acked === undefined || compareRv(info.rv, acked) > 0;
  }

  /** Adds a message unless an equal-or-newer one for the same object is queued, in flight or acknowledged. */
  enqueue(msg: Message, info: AckInfo): boolean {
    const cur = this.store.get(info.key);
    if (!info.isDelete && !info.isResponse) {
      // A queued delete wins over any update of the same UID; otherwise only a newer RV replaces.
      if (cur && (cur.info.isDelete || compareRv(info.rv, cur.info.rv) <= 0)) return false;
      if (!cur && !this.newerThanAcked(info)) return false;
    }
    const blocked = this.busy.has(info.key);
    const e: QueueEntry = { msg, info, state: blocked ? 'blocked' : 'ready', sentAt: 0, retries: 0, failures: 0, notBefore: 0 };
    this.store.set(info.key, e);
    if (!blocked) {
      this.delayed.delete(info.key);
      this.ready.add(info.key);
    }
    return true;
  }

  /** Sends ready entries while the window has room. */
  pump(now: number, write: Writer): void {
    for (const key of this.ready) {
      if (this.inflight.size >= this.o.window) return;
      this.ready.delete(key);
      const e = this.store.get(key);
      if (!e || e.state !== 'ready') continue;
      // Re-checked at send time: the ObjectSync cache may have filled since enqueue (hub restart).
      if (!this.newerThanAcked(e.info)) {
        this.store.delete(key);
        continue;
      }
      e.state = 'inflight';
      e.sentAt = now;
      this.inflight.set(e.msg.header.msg_id, e);
      this.busy.set(key, e);
      write(e.msg);
    }
  }

  /** Settles the in-flight message `msgId`; returns it so the caller can record the ACK. */
  ack(msgId: string): QueueEntry | undefined {
    const e = this.inflight.get(msgId);
    if (!e) return undefined;
    this.inflight.delete(msgId);
    this.settle(e);
    return e;
  }

  private settle(e: QueueEntry): void {
    const key = e.info.key;
    if (this.busy.get(key) === e) this.busy.delete(key);
    const cur = this.store.get(key);
    if (cur === e) this.store.delete(key);
    else if (cur?.state === 'blocked') {
      cur.state = 'ready';
      this.ready.add(key);
    }
  }

  /** ACK timeouts (resend or back off) and expired backoffs; called from the hub's shared sweep. */
  tick(now: number, write: Writer): void {
    for (const [id, e] of this.inflight) {
      if (now - e.sentAt < this.o.ackTimeoutMs) break;
      this.inflight.delete(id);
      if (this.store.get(e.info.key) !== e) {
        this.settle(e);
      } else if (e.retries < this.o.ackRetries) {
        e.retries++;
        e.sentAt = now;
        this.inflight.set(id, e);
        this.o.resent?.();
        write(e.msg);
      } else {
        this.busy.delete(e.info.key);
        e.retries = 0;
        e.failures++;
        e.state = 'backoff';
        e.notBefore = now + Math.min(this.o.ackTimeoutMs * 2 ** (e.failures - 1), this.o.maxBackoffMs);
        this.delayed.add(e.info.key);
      }
    }
    for (const key of this.delayed) {
      const e = this.store.get(key);
      if (!e || e.state !== 'backoff') {
        this.delayed.delete(key);
      } else if (e.notBefore <= now) {
        this.delayed.delete(key);
        e.state = 'ready';
        this.ready.add(key);
      }
    }
    this.pump(now, write);
  }

  /** The link dropped: in-flight and backed-off messages go back to ready for the next session. */
  reset(): void {
    for (const e of this.inflight.values()) {
      e.retries = 0;
      e.state = 'backoff';
    }
    this.inflight.clear();
    this.busy.clear();
    this.delayed.clear();
    for (const [key, e] of this.store) {
      if (e.state !== 'ready') {
        e.state = 'ready';
        e.failures = 0;
        this.ready.add(key);
      }
    }
  }

  clear(): void {
    this.store.clear();
    this.inflight.clear();
    this.busy.clear();
    this.ready.clear();
    this.delayed.clear();
  }

  /** Messages not currently in flight. */
  depth(): number {
    let n = this.store.size;
    for (const e of this.busy.values()) if (this.store.get(e.info.key) === e) n--;
    return n;
  }

  inFlight(): number {
    return this.inflight.size;
  }

  /** True when the sweep has work here (ACK deadlines or backoffs). */
  needsTick(): boolean {
    return this.inflight.size > 0 || this.delayed.size > 0;
  }

  isEmpty(): boolean {
    return this.store.size === 0 && this.inflight.size === 0;
  }
}
