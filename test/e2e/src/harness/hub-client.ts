import { decodeMessage, encodeMessage, type Message } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { bootstrapEdgeCerts, type EdgeCerts } from '@kedge/edge/bootstrap/index.js';
import { WebSocket } from 'ws';

/** A node certificate issued by the cloud's certificate server for `nodeName` with a join token. */
export function issueNodeCert(certServerUrl: string, token: string, nodeName: string, dir: string): Promise<EdgeCerts> {
  return bootstrapEdgeCerts({ certServer: certServerUrl, token, nodeName, dir, log: silentLogger(), timeoutMs: 10_000 });
}

export interface RawHubClient {
  /** Resolves once the upgrade succeeded; rejects with `HTTP <status>: <body>` when CloudHub refuses. */
  opened: Promise<void>;
  /** Every downstream frame that parsed as a message, in order. */
  messages: Message[];
  /** Resolves when the socket closes, with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  sendRaw(data: string | Buffer, binary?: boolean): void;
  send(msg: Message): void;
  /** Waits for a downstream message matching `pred` (already received ones count). */
  waitForMessage(pred: (m: Message) => boolean, timeoutMs?: number): Promise<Message>;
  close(): void;
}

/**
 * A bare mutual-TLS WebSocket to CloudHub, without EdgeHub's reconnects or keepalives, for protocol-abuse
 * tests: it sends exactly what the test tells it to. `nodeId` goes in the `node_id` header and the URL.
 */
export function rawHubClient(o: { address: string; certs: Pick<EdgeCerts, 'caPem' | 'certPem' | 'keyPem'>; nodeId: string; projectId?: string }): RawHubClient {
  const project = o.projectId ?? 'e632aba927ea4ac2b575ec1603d56f10';
  const ws = new WebSocket(`wss://${o.address}/${project}/${encodeURIComponent(o.nodeId)}/events`, {
    headers: { ConnectionUse: 'msg', node_id: o.nodeId, project_id: project },
    ca: o.certs.caPem,
    cert: o.certs.certPem,
    key: o.certs.keyPem,
    handshakeTimeout: 10_000,
    perMessageDeflate: false,
    maxPayload: 64 * 1024 * 1024,
  });
  const messages: Message[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    try {
      messages.push(decodeMessage(data.toString()));
    } catch {
      return;
    }
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => {
        reject(new Error(`HTTP ${res.statusCode}: ${body.trim()}`));
        ws.terminate();
      });
    });
    ws.on('error', (err) => reject(err));
  });
  opened.catch(() => {});
  return {
    opened,
    messages,
    closed,
    sendRaw: (data, binary = false) => ws.send(data, { binary }),
    send: (msg) => ws.send(encodeMessage(msg)),
    waitForMessage(pred, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = messages.find(pred);
          if (!m) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching message within ${timeoutMs} ms (got ${messages.length}: ${messages.slice(-5).map((m) => `${m.route.operation} ${m.route.resource}`).join(', ')})`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => ws.terminate(),
  };
}
