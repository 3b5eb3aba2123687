import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { badRequest } from '@kedge/api';
import type { Logger } from '@kedge/core';
import { WebSocketServer, WebSocket } from 'ws';
import type { PodExecOptions, PodStreamTarget } from '../apiserver/types.js';
import type { Tunnel } from './tunnel.js';

/** kubectl 1.32 offers only v5; client-node offers v5 first, then v4 (k8s-api.md §10). */
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const ERROR_CHANNEL = 3;
const CLOSE_CHANNEL = 255;

const clientWss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
});

function offeredProtocols(req: IncomingMessage): string[] {
  return String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function failureFrame(message: string): Buffer {
  return Buffer.concat([Buffer.from([ERROR_CHANNEL]), Buffer.from(JSON.stringify({ metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 }))]);
}

/**
 * pods/exec through the node's tunnel. The client's WebSocket is accepted first (a missing tunnel was
 * already refused with a Status); channel frames then pass unchanged both ways, since the edge relays the
 * runtime's v4 frames and v4/v5 number channels alike. Channel 3 carries the runtime's exit Status.
 */
export async function execOverTunnel(t: Tunnel, pod: PodStreamTarget, opts: PodExecOptions, req: IncomingMessage, socket: Duplex, head: Buffer, log: Logger): Promise<void> {
  const offered = offeredProtocols(req);
  if (!PROTOCOLS.some((p) => offered.includes(p))) {
    throw badRequest(`pods/exec here speaks WebSocket ${PROTOCOLS.join(' or ')}; the client offered ${offered.length ? offered.join(', ') : 'none'}`);
  }
  const ws = await new Promise<WebSocket>((resolve) => clientWss.handleUpgrade(req, socket, head, resolve));
  const v5 = ws.protocol === PROTOCOLS[0];
  let ended = false;
  const end = (frame?: Buffer): void => {
    if (ended) return;
    ended = true;
    if (frame && ws.readyState === WebSocket.OPEN) ws.send(frame);
    ws.close(1000);
  };
  const session = t.openSession({ kind: 'exec', pod: { namespace: pod.namespace, name: pod.name, uid: pod.uid }, opts }, {
    ready() {},
    data(payload, delivered) {
      if (ws.readyState !== WebSocket.OPEN) return delivered();
      ws.send(payload, () => delivered());
    },
    error(status) {
      end(Buffer.concat([Buffer.from([ERROR_CHANNEL]), Buffer.from(JSON.stringify(status))]));
    },
    closed(dropped) {
      end(dropped ? failureFrame(`the stream tunnel to node "${pod.nodeName}" closed`) : undefined);
    },
  });
  // Client input (stdin, resize, v5 close): paused while the edge has not caught up.
  session.onCredit(() => ws.resume());
  ws.on('message', (data: Buffer, isBinary) => {
    if (!isBinary || data.length === 0) return;
    if (data[0] === CLOSE_CHANNEL && !v5) return;
    if (!session.send(data)) ws.pause();
  });
  ws.on('error', (err) => log.debug({ err: err.message }, 'exec client websocket error'));
  await new Promise<void>((resolve) => ws.once('close', () => resolve()));
  session.close();
  ended = true;
}
