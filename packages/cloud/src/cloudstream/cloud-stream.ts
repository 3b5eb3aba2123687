import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from '@kedge/api';
import type { Logger } from '@kedge/core';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PodStreamer } from '../apiserver/types.js';
import { authenticate, refuseUpgrade } from '../cloudhub/auth.js';
import type { RevocationCheck } from '../cloudhub/revocations.js';
import { execOverTunnel } from './exec.js';
import { logsOverTunnel } from './logs.js';
import { Tunnel } from './tunnel.js';

export const STREAM_PATH = '/v1/kedge/stream';

export interface CloudStreamOptions {
  log: Logger;
  /** How often each tunnel is pinged; one missed pong drops it. Default 15 s. */
  pingMs?: number;
}

/**
 * CloudStream: the cloud end of the edge stream tunnels and the API server's PodStreamer. Created before
 * the API server (which takes `podStreamer`); CloudCore later serves `handleTunnel` on its tunnel port,
 * because that listener needs the cloud PKI and node revocations.
 */
export interface CloudStream {
  readonly podStreamer: PodStreamer;
  /** The upgrade handler of the tunnel listener: mutual TLS, CN `system:node:<node_id>`, as CloudHub checks. */
  handleTunnel(revocations: RevocationCheck): (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  connectedNodes(): string[];
  /** Drops every tunnel (their sessions end); tunnels dialled later are accepted again. */
  closeAll(): void;
}

export function noTunnel(node: string): ApiError {
  return new ApiError('ServiceUnavailable', `node "${node}" has no stream tunnel connected (is the edge online?)`);
}

export function createCloudStream(o: CloudStreamOptions): CloudStream {
  const log = o.log.child({ module: 'cloudstream' });
  const tunnels = new Map<string, Tunnel>();
  const tunnelWss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4 * 1024 * 1024 });

  const tunnelFor = (node: string): Tunnel => {
    const t = tunnels.get(node);
    if (!t || !t.open) throw noTunnel(node);
    return t;
  };

  function adopt(node: string, ws: WebSocket): void {
    const old = tunnels.get(node);
    // A redial replaces the old tunnel: it is usually a half-dead connection the edge already gave up on.
    if (old) old.close(1000, 'replaced by a new tunnel');
    const t = new Tunnel(node, ws, log, o.pingMs);
    tunnels.set(node, t);
    log.info({ node }, 'stream tunnel connected');
    ws.on('close', () => {
      if (tunnels.get(node) === t) tunnels.delete(node);
      log.info({ node }, 'stream tunnel closed');
    });
  }

  return {
    podStreamer: {
      logs: async (pod, opts, res, signal) => logsOverTunnel(tunnelFor(pod.nodeName), pod, opts, res, signal),
      exec: async (pod, opts, req, socket, head) => execOverTunnel(tunnelFor(pod.nodeName), pod, opts, req, socket, head, log),
    },
    handleTunnel: (revocations) => (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path !== STREAM_PATH) return refuseUpgrade(socket, 404, `no such path ${path}; the stream tunnel is ${STREAM_PATH}`);
      const auth = authenticate(req, revocations);
      if (!auth.ok) {
        log.info({ status: auth.status, reason: auth.reason }, 'stream tunnel refused');
        return refuseUpgrade(socket, auth.status, auth.reason);
      }
      tunnelWss.handleUpgrade(req, socket, head, (ws) => adopt(auth.node, ws));
    },
    connectedNodes: () => [...tunnels.keys()],
    closeAll() {
      for (const t of tunnels.values()) t.close();
      tunnels.clear();
    },
  };
}
