import { encodeMessage, trimNodePrefix, type Message } from '@kedge/api';
import { WebSocket } from 'ws';
import type { NodeQueue } from './node-queue.js';

export interface SessionLimits {
  qps: number;
  burst: number;
  /** Upstream messages allowed to wait for tokens before the session is closed. */
  maxBacklog: number;
  now: () => number;
}

/**
 * One connected edge. Kept small on purpose (thousands per process): no timers except while the node
 * is over its upstream rate, when one timeout drains the backlog and the socket is paused meanwhile.
 */
export class Session {
  lastSeen: number;
  closed = false;
  private tokens: number;
  private refilledAt: number;
  private backlog: Message[] | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  /** Bound once so the queue can write without a closure per call. */
  readonly write: (msg: Message) => void;

  constructor(
    readonly node: string,
    readonly projectId: string,
    readonly remoteAddress: string,
    readonly connectedAt: number,
    readonly ws: WebSocket,
    readonly queue: NodeQueue,
    private readonly limits: SessionLimits,
  ) {
    this.lastSeen = connectedAt;
    this.tokens = limits.burst;
    this.refilledAt = connectedAt;
    this.write = (msg) => this.send(msg);
  }

  /** Writes one message as a text frame, with the `node/{id}/` prefix trimmed (KubeEdge TrimMessage). */
  send(msg: Message): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    const r = msg.route.resource;
    const wire = r !== undefined && r.startsWith('node/')
      ? { header: msg.header, route: { ...msg.route, resource: trimNodePrefix(r) }, content: msg.content }
      : msg;
    this.ws.send(encodeMessage(wire));
  }

  private take(): boolean {
    const now = this.limits.now();
    this.tokens = Math.min(this.limits.burst, this.tokens + ((now - this.refilledAt) * this.limits.qps) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }

  /**
   * Token bucket on routed upstream messages: within the rate they go straight to `deliver`; over it they
   * wait in order. Returns false when the backlog overflowed and the session must be closed.
   */
  admit(msg: Message, deliver: (msg: Message) => void): boolean {
    if (!this.backlog?.length && this.take()) {
      deliver(msg);
      return true;
    }
    (this.backlog ??= []).push(msg);
    if (this.backlog.length > this.limits.maxBacklog) return false;
    if (!this.drainTimer) {
      this.ws.pause();
      this.scheduleDrain(deliver);
    }
    return true;
  }

  private scheduleDrain(deliver: (msg: Message) => void): void {
    const wait = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.limits.qps));
    this.drainTimer = setTimeout(() => {
      this.drainTimer = undefined;
      if (this.closed) return;
      const b = this.backlog!;
      let i = 0;
      while (i < b.length && this.take()) deliver(b[i++]!);
      b.splice(0, i);
      if (b.length) this.scheduleDrain(deliver);
      else this.ws.resume();
    }, wait);
  }

  backlogLength(): number {
    return this.backlog?.length ?? 0;
  }

  /** Stops timers; the hub owns the bookkeeping around it. */
  dispose(): void {
    this.closed = true;
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    this.backlog = undefined;
  }
}
