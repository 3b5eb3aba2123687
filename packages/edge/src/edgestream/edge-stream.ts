import type { IncomingMessage } from 'node:http';
import type { SecureContext } from 'node:tls';
import { sleep, type Logger, type Module } from '@kedge/core';
import { WebSocket, type ClientOptions } from 'ws';
import type { CriClient } from '../cri/index.js';
import { createBackoff, defaultBackoff, type BackoffOptions } from '../edgehub/backoff.js';
import { secureContextFor, type EdgeTls } from '../edgehub/dial.js';
import { decodeFrame } from '@kedge/core/stream-tunnel/index.js';
import { lazyRuntime, type RuntimeLocation } from './runtime-client.js';
import { SessionHost } from './sessions.js';

export const STREAM_PATH = '/v1/kedge/stream';

export interface EdgeStreamOptions {
  /** host:port of CloudCore's stream tunnel (edgeStream.server). */
  server: string;
  nodeName: string;
  /** Read on every dial, so a rotated certificate is used by the next connection. */
  tls: () => EdgeTls;
  /** Where Edged's container runtime is (found lazily), or a function giving the client. */
  runtime: RuntimeLocation | (() => Promise<CriClient | undefined>);
  log: Logger;
  backoff?: BackoffOptions;
  handshakeTimeoutMs?: number;
  /** The cloud pings every 15 s; a tunnel silent for this long is dropped and redialled. Default 45 s. */
  idleTimeoutMs?: number;
}

export interface EdgeStream extends Module {
  readonly connected: boolean;
}

/** The tunnel is this long up before a drop counts as new trouble (backoff starts over). */
const STABLE_MS = 10_000;

function dial(o: EdgeStreamOptions, signal: AbortSignal): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const options: ClientOptions & { secureContext: SecureContext } = {
      headers: { node_id: o.nodeName },
      secureContext: secureContextFor(o.tls()),
      minVersion: 'TLSv1.2',
      handshakeTimeout: o.handshakeTimeoutMs ?? 10_000,
      perMessageDeflate: false,
    };
    const ws = new WebSocket(`wss://${o.server}${STREAM_PATH}`, options);
    const fail = (err: Error) => {
      cleanup();
      ws.on('error', () => {});
      ws.terminate();
      reject(err);
    };
    const onAbort = () => fail(new Error('aborted'));
    const onResponse = (_req: unknown, res: IncomingMessage) => {
      res.resume();
      fail(new Error(`stream tunnel refused: ${res.statusCode ?? '?'} ${res.statusMessage ?? ''}`.trim()));
    };
    const cleanup = () => {
      signal.removeEventListener('abort', onAbort);
      ws.removeAllListeners('unexpected-response');
      ws.removeAllListeners('error');
      ws.removeAllListeners('open');
    };
    ws.once('open', () => {
      cleanup();
      resolve(ws);
    });
    ws.once('error', fail);
    ws.once('unexpected-response', onResponse);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * EdgeStream: keeps one outbound WebSocket to CloudCore's stream tunnel (so the edge needs no inbound
 * port, unlike kubelet's :10250) and serves the log and exec sessions the cloud opens on it.
 */
export function createEdgeStream(o: EdgeStreamOptions): EdgeStream {
  const log = o.log.child({ module: 'edgestream' });
  let connected = false;

  const found = typeof o.runtime === 'function' ? undefined : lazyRuntime(o.runtime);
  const runtime = typeof o.runtime === 'function' ? o.runtime : () => found!.get();

  async function serve(ws: WebSocket, signal: AbortSignal): Promise<void> {
    const host = new SessionHost({
      send: (frame) => {
        if (ws.readyState !== WebSocket.OPEN) return false;
        ws.send(frame);
        return true;
      },
      runtime,
      log,
    });
    const idleMs = o.idleTimeoutMs ?? 45_000;
    let idle: NodeJS.Timeout | undefined;
    const alive = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        log.warn({ idleMs }, 'stream tunnel silent; reconnecting');
        ws.terminate();
      }, idleMs);
    };
    alive();
    ws.on('ping', alive);
    ws.on('message', (data: Buffer, isBinary) => {
      alive();
      if (!isBinary) return;
      try {
        host.onFrame(decodeFrame(data));
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'bad stream tunnel frame');
      }
    });
    ws.on('error', (err) => log.debug({ err: err.message }, 'stream tunnel error'));
    const onAbort = () => ws.close(1001, 'edge stopping');
    signal.addEventListener('abort', onAbort, { once: true });
    await new Promise<void>((resolve) => ws.once('close', () => resolve()));
    signal.removeEventListener('abort', onAbort);
    clearTimeout(idle);
    host.closeAll();
  }

  return {
    name: 'edgestream',
    get connected() {
      return connected;
    },
    async start(signal) {
      const backoff = createBackoff(o.backoff ?? defaultBackoff);
      try {
        await loop(backoff, signal);
      } finally {
        found?.close();
      }
    },
  };

  async function loop(backoff: ReturnType<typeof createBackoff>, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let ws: WebSocket;
      try {
        ws = await dial(o, signal);
      } catch (err) {
        if (signal.aborted) break;
        const delay = backoff.next();
        log.info({ server: o.server, err: (err as Error).message, retryMs: delay }, 'stream tunnel dial failed');
        await sleep(delay, signal);
        continue;
      }
      connected = true;
      const since = Date.now();
      log.info({ server: o.server }, 'stream tunnel connected');
      await serve(ws, signal);
      connected = false;
      if (signal.aborted) break;
      if (Date.now() - since > STABLE_MS) backoff.reset();
      const delay = backoff.next();
      log.info({ retryMs: delay }, 'stream tunnel closed; redialling');
      await sleep(delay, signal);
    }
  }
}
