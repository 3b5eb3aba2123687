import { setTimeout as sleep } from 'node:timers/promises';
import type { RawData, WebSocket } from 'ws';
import { ApiError, Group, Op, ResType, Source, decodeMessage, encodeMessage, responseTo, type Message } from '@kedge/api';
import type { Logger, Module } from '@kedge/core';
import type { EdgeLink } from './types.js';
import { createBackoff, defaultBackoff, type BackoffOptions } from './backoff.js';
import { createTokenBucket } from './token-bucket.js';
import type { SecureContext } from 'node:tls';
import { dialCloudHub, secureContextFor, UpgradeRefusedError, type EdgeTls } from './dial.js';

export const DEFAULT_PROJECT_ID = 'e632aba927ea4ac2b575ec1603d56f10';

export interface EdgeHubOptions {
  /** host:port of CloudHub. */
  server: string;
  nodeName: string;
  projectId?: string;
  /** Certificates, or a function re-read on every dial so rotated certificates are picked up. */
  tls: EdgeTls | (() => EdgeTls);
  /** Keepalive message and WebSocket ping period (KubeEdge edgeHub.heartbeat, 15 s). */
  heartbeatMs?: number;
  /** No pong (nor any frame) this long after a ping ends the link; defaults to heartbeatMs. */
  pingTimeoutMs?: number;
  backoff?: Partial<BackoffOptions> & {
    /** A connection that stayed up this long resets the backoff (default 10 s). */
    resetAfterMs?: number;
  };
  /** Upstream token bucket (KubeEdge messageQPS / messageBurst). */
  qps?: number;
  burst?: number;
  /** Upstream messages waiting for a token; beyond it the oldest are dropped (beehive's channel buffer is 1024). */
  queueLimit?: number;
  requestTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  maxFrameBytes?: number;
  log: Logger;
  /** Unix ms for message timestamps; injected by tests. */
  now?: () => number;
}

export interface EdgeHubStats {
  connects: number;
  disconnects: number;
  dialFailures: number;
  sent: number;
  received: number;
  invalidFrames: number;
  /** Upstream messages dropped because the queue was full. */
  dropped: number;
  queued: number;
  pendingRequests: number;
}

export type EdgeHub = EdgeLink & Module & {
  stats(): EdgeHubStats;
  /** Drops the current connection and redials at once, re-reading the certificates (rotation). */
  reconnect(reason: string): void;
};

interface Pending {
  resolve: (m: Message) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

interface Queued {
  msg: Message;
  isRequest: boolean;
}

// Operations CloudHub may send that EdgeHub answers itself (kubeedge-reference.md §3, control messages).
const CONTROL_OPS = new Set(['config', 'ping', 'pong']);
const CLOSE_GRACE_MS = 1000;

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/**
 * EdgeHub: the edge's single WebSocket to CloudHub. Reconnects forever with jittered exponential
 * backoff, sends KubeEdge keepalives, detects dead links with WebSocket pings, rate-limits upstream
 * traffic (ACKs bypass the limiter) and matches replies to requests by `parent_msg_id`.
 */
export function createEdgeHub(opts: EdgeHubOptions): EdgeHub {
  const log = opts.log.child({ module: 'edgehub' });
  const projectId = opts.projectId ?? DEFAULT_PROJECT_ID;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const pingTimeoutMs = opts.pingTimeoutMs ?? heartbeatMs;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
  const handshakeTimeoutMs = opts.handshakeTimeoutMs ?? 30_000;
  const queueLimit = opts.queueLimit ?? 1024;
  const resetAfterMs = opts.backoff?.resetAfterMs ?? 10_000;
  const now = opts.now ?? Date.now;
  const backoff = createBackoff({ ...defaultBackoff, ...opts.backoff });
  const bucket = createTokenBucket(opts.qps ?? 30, opts.burst ?? 60);

  const msgHandlers: ((m: Message) => void)[] = [];
  const connHandlers: ((e: 'connected' | 'disconnected') => void)[] = [];
  const pending = new Map<string, Pending>();
  let queue: Queued[] = [];
  let current: WebSocket | undefined;
  let pumpTimer: NodeJS.Timeout | undefined;
  let started = false;
  let forced = false;
  // Reused while the certificates are the same strings: a reconnect storm then costs no context rebuilds.
  let tlsCache: { tls: EdgeTls; ctx: SecureContext } | undefined;
  const contextFor = (tls: EdgeTls): SecureContext => {
    const c = tlsCache;
    if (c && c.tls.caPem === tls.caPem && c.tls.certPem === tls.certPem && c.tls.keyPem === tls.keyPem) return c.ctx;
    tlsCache = { tls, ctx: secureContextFor(tls) };
    return tlsCache.ctx;
  };
  const st = { connects: 0, disconnects: 0, dialFailures: 0, sent: 0, received: 0, invalidFrames: 0, dropped: 0 };

  const write = (ws: WebSocket, msg: Message): void => {
    st.sent++;
    ws.send(encodeMessage(msg), (err) => {
      if (err) log.debug({ err: err.message, msgId: msg.header.msg_id }, 'write failed');
    });
  };

  const pump = (): void => {
    if (pumpTimer) {
      clearTimeout(pumpTimer);
      pumpTimer = undefined;
    }
    const ws = current;
    if (!ws) return;
    while (queue.length > 0) {
      if (!bucket.tryTake()) {
        pumpTimer = setTimeout(pump, Math.max(1, bucket.waitMs()));
        return;
      }
      write(ws, queue.shift()!.msg);
    }
  };

  const enqueue = (msg: Message, isRequest: boolean): void => {
    queue.push({ msg, isRequest });
    if (queue.length > queueLimit) {
      const old = queue.shift()!;
      st.dropped++;
      if (st.dropped === 1 || st.dropped % 100 === 0) log.warn({ dropped: st.dropped, queueLimit, msgId: old.msg.header.msg_id }, 'upstream queue full, dropped oldest message');
      if (old.isRequest) settle(old.msg.header.msg_id, new ApiError('TooManyRequests', 'upstream queue full, request dropped'));
    }
    if (!pumpTimer) pump();
  };

  const settle = (id: string, result: Message | Error): void => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    if (result instanceof Error) p.reject(result);
    else p.resolve(result);
  };

  const emit = (e: 'connected' | 'disconnected'): void => {
    for (const h of connHandlers) {
      try {
        h(e);
      } catch (err) {
        log.error({ err, event: e }, 'connection handler failed');
      }
    }
  };

  const keepalive = (): Message => ({
    header: { msg_id: globalThis.crypto.randomUUID(), timestamp: now() },
    route: { source: Source.edgeHub, group: Group.resource, resource: ResType.node, operation: Op.keepalive },
    content: 'ping',
  });

  const onFrame = (ws: WebSocket, data: RawData): void => {
    let m: Message;
    try {
      m = decodeMessage(rawToString(data));
    } catch (err) {
      st.invalidFrames++;
      log.warn({ err: (err as Error).message }, 'invalid frame from cloudhub, skipped');
      return;
    }
    st.received++;
    const op = m.route.operation ?? '';
    if (CONTROL_OPS.has(op)) {
      write(ws, responseTo(m, 'ack'));
      return;
    }
    const parent = m.header.parent_msg_id;
    if (parent && pending.has(parent)) {
      settle(parent, m);
      return;
    }
    for (const h of msgHandlers) {
      try {
        h(m);
      } catch (err) {
        log.error({ err, msgId: m.header.msg_id, operation: op, resource: m.route.resource }, 'message handler failed');
      }
    }
  };

  /** Serves one open connection; resolves when it has closed and its state is torn down. */
  const runSession = (ws: WebSocket, signal: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      let pongTimer: NodeJS.Timeout | undefined;
      let heartbeat: NodeJS.Timeout | undefined;
      let graceTimer: NodeJS.Timeout | undefined;
      const alive = (): void => {
        if (pongTimer) clearTimeout(pongTimer);
        pongTimer = undefined;
      };
      const beat = (): void => {
        write(ws, keepalive());
        // CloudHub never pings, so a silent (stalled) network is only noticed by our own pings.
        if (!pongTimer) {
          pongTimer = setTimeout(() => {
            log.warn({ pingTimeoutMs }, 'no pong from cloudhub, dropping link');
            ws.terminate();
          }, pingTimeoutMs);
          ws.ping();
        }
      };
      const onAbort = (): void => {
        ws.close(1000, 'edgehub stopping');
        graceTimer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
      };
      const upAt = Date.now();
      ws.on('message', (data) => {
        alive();
        onFrame(ws, data);
      });
      ws.on('pong', alive);
      ws.on('error', (err) => log.debug({ err: err.message }, 'websocket error'));
      ws.once('close', (code, reason) => {
        clearInterval(heartbeat);
        if (pongTimer) clearTimeout(pongTimer);
        if (graceTimer) clearTimeout(graceTimer);
        signal.removeEventListener('abort', onAbort);
        current = undefined;
        if (pumpTimer) clearTimeout(pumpTimer);
        pumpTimer = undefined;
        st.disconnects++;
        const lost = new ApiError('ServiceUnavailable', 'link to cloudhub lost');
        for (const id of [...pending.keys()]) settle(id, lost);
        queue = queue.filter((q) => !q.isRequest);
        // Our own shutdown is not worth a warning to the operator.
        const level = signal.aborted ? 'info' : 'warn';
        log[level]({ code, reason: reason.toString(), upMs: Date.now() - upAt }, 'disconnected from cloudhub');
        emit('disconnected');
        resolve();
      });
      signal.addEventListener('abort', onAbort, { once: true });
      current = ws;
      st.connects++;
      heartbeat = setInterval(beat, heartbeatMs);
      log.info({ server: opts.server, node: opts.nodeName }, 'connected to cloudhub');
      write(ws, keepalive());
      emit('connected');
      pump();
    });

  const start = async (signal: AbortSignal): Promise<void> => {
    if (started) throw new Error('edgehub already started');
    started = true;
    while (!signal.aborted) {
      let ws: WebSocket | undefined;
      try {
        const tls = typeof opts.tls === 'function' ? opts.tls() : opts.tls;
        ws = await dialCloudHub({ server: opts.server, nodeName: opts.nodeName, projectId, tls, secureContext: contextFor(tls), handshakeTimeoutMs, maxPayload: opts.maxFrameBytes ?? 32 << 20 }, signal);
      } catch (err) {
        if (signal.aborted) break;
        st.dialFailures++;
        const delay = backoff.next();
        if (err instanceof UpgradeRefusedError) {
          // Reached, but refused: say so, and what the operator can do about a refused identity.
          const hint = err.status === 403 ? 'the cloud does not accept this node (Node deleted, or certificate and node name differ); run `kedge join` again' : undefined;
          log.warn({ status: err.status, reason: err.reason, server: opts.server, attempt: backoff.attempts, retryInMs: delay, ...(hint ? { hint } : {}) }, 'cloudhub refused the connection');
        } else {
          log.warn({ err: (err as Error).message, server: opts.server, attempt: backoff.attempts, retryInMs: delay }, 'cannot reach cloudhub');
        }
        await sleep(delay, undefined, { signal }).catch(() => {});
        continue;
      }
      const upAt = Date.now();
      await runSession(ws, signal);
      if (signal.aborted) break;
      if (Date.now() - upAt >= resetAfterMs || forced) backoff.reset();
      forced = false;
      const delay = backoff.next();
      log.info({ retryInMs: delay, attempt: backoff.attempts }, 'reconnecting to cloudhub');
      await sleep(delay, undefined, { signal }).catch(() => {});
    }
  };

  return {
    name: 'edgehub',
    start,
    send(msg) {
      const ws = current;
      if (!ws) return false;
      // ACKs skip the limiter and the queue: a starved ACK makes CloudHub resend (issue 3).
      if (msg.route.operation === Op.response) write(ws, msg);
      else enqueue(msg, false);
      return true;
    },
    request(msg, timeoutMs = requestTimeoutMs) {
      if (!current) return Promise.reject(new ApiError('ServiceUnavailable', 'edgehub is not connected to cloudhub'));
      const id = msg.header.msg_id;
      return new Promise<Message>((resolve, reject) => {
        const timer = setTimeout(() => {
          queue = queue.filter((q) => q.msg.header.msg_id !== id);
          settle(id, new ApiError('Timeout', `no reply from cloudhub to ${msg.route.operation ?? ''} ${msg.route.resource ?? ''} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        enqueue(msg, true);
      });
    },
    onMessage(handler) {
      msgHandlers.push(handler);
    },
    onConnection(handler) {
      connHandlers.push(handler);
    },
    isConnected: () => current !== undefined,
    stats: () => ({ ...st, queued: queue.length, pendingRequests: pending.size }),
    reconnect(reason) {
      const ws = current;
      if (!ws) return;
      forced = true;
      log.info({ reason }, 'reconnecting to cloudhub on request');
      ws.close(1000, reason.slice(0, 100));
      // A peer that never completes the close handshake must not hold the link.
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    },
  };
}
