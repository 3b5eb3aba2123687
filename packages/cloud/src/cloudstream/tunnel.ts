import type { Logger } from '@kedge/core';
import { WebSocket } from 'ws';
import { decodeFrame, decodeUvarint, encodeFrame, encodeUvarint, FrameType, SESSION_WINDOW } from '@kedge/core/stream-tunnel/index.js';

/** What a session's owner hears from the edge. Exactly one of error/closed ends it. */
export interface SessionEvents {
  ready(): void;
  /** Bytes of the session; call `delivered` once they reached the client (returns flow-control credit). */
  data(payload: Buffer, delivered: () => void): void;
  /** The edge refused or failed before Ready: a Kubernetes Status. */
  error(status: Record<string, unknown>): void;
  /** The session ended: the edge closed it, or the tunnel dropped (`dropped`). */
  closed(dropped: boolean): void;
}

export interface TunnelSession {
  /** Sends client bytes to the edge; false when out of credit (pause the client until `onCredit`). */
  send(payload: Buffer): boolean;
  onCredit(fn: () => void): void;
  close(): void;
}

interface Entry {
  events: SessionEvents;
  credit: number;
  onCredit?: () => void;
  done: boolean;
}

/** One edge node's tunnel: multiplexes log and exec sessions over its WebSocket. */
export class Tunnel {
  private nextId = 1;
  private readonly sessions = new Map<number, Entry>();
  private alive = true;
  private readonly pinger: NodeJS.Timeout;

  constructor(readonly node: string, private readonly ws: WebSocket, private readonly log: Logger, pingMs = 15_000) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      try {
        this.onFrame(data);
      } catch (err) {
        log.warn({ node, err: (err as Error).message }, 'bad stream tunnel frame');
      }
    });
    ws.on('pong', () => (this.alive = true));
    // A tunnel whose edge vanished without a FIN would hold sessions forever; ping and drop the silent.
    this.pinger = setInterval(() => {
      if (!this.alive) {
        log.info({ node }, 'stream tunnel missed a pong; dropping it');
        ws.terminate();
        return;
      }
      this.alive = false;
      ws.ping();
    }, pingMs);
    this.pinger.unref();
    ws.on('close', () => this.dropAll());
    ws.on('error', (err) => log.debug({ node, err: err.message }, 'stream tunnel error'));
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  openSession(request: unknown, events: SessionEvents): TunnelSession {
    const id = this.nextId++;
    const e: Entry = { events, credit: SESSION_WINDOW, done: false };
    this.sessions.set(id, e);
    this.write(encodeFrame(id, FrameType.Open, JSON.stringify(request)));
    return {
      send: (payload) => {
        if (e.done) return false;
        this.write(encodeFrame(id, FrameType.Data, payload));
        e.credit -= payload.length;
        return e.credit > 0;
      },
      onCredit: (fn) => (e.onCredit = fn),
      close: () => {
        if (e.done) return;
        this.finish(id, e);
        this.write(encodeFrame(id, FrameType.Close));
      },
    };
  }

  close(code = 1001, reason = 'cloudcore stopping'): void {
    this.ws.close(code, reason);
    // A peer that never answers the close frame would hold the listener's close() (and a CloudCore restart).
    setTimeout(() => {
      if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    }, 1_000).unref();
    this.dropAll();
  }

  private write(frame: Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  private finish(id: number, e: Entry): void {
    e.done = true;
    this.sessions.delete(id);
  }

  private onFrame(data: Buffer): void {
    const f = decodeFrame(data);
    const e = this.sessions.get(f.id);
    if (!e) return;
    switch (f.type) {
      case FrameType.Ready:
        e.events.ready();
        return;
      case FrameType.Data: {
        const n = f.payload.length;
        e.events.data(f.payload, () => {
          if (!e.done) this.write(encodeFrame(f.id, FrameType.Window, encodeUvarint(n)));
        });
        return;
      }
      case FrameType.Window:
        e.credit += decodeUvarint(f.payload).value;
        if (e.credit > 0) e.onCredit?.();
        return;
      case FrameType.Error: {
        this.finish(f.id, e);
        let status: Record<string, unknown>;
        try {
          status = JSON.parse(f.payload.toString('utf8')) as Record<string, unknown>;
        } catch {
          status = { status: 'Failure', reason: 'InternalError', code: 500, message: 'the edge sent an unreadable error' };
        }
        e.events.error(status);
        return;
      }
      case FrameType.Close:
        this.finish(f.id, e);
        e.events.closed(false);
        return;
      default:
        return;
    }
  }

  private dropAll(): void {
    clearInterval(this.pinger);
    for (const [id, e] of [...this.sessions]) {
      this.finish(id, e);
      e.events.closed(true);
    }
  }
}
