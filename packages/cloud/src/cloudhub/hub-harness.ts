import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { encodeMessage, responseTo, type Message } from '@kedge/api';
import { createInformerFactory, silentLogger } from '@kedge/core';
import { createFakeKube, type FakeKube } from '@kedge/core/testing/index.js';
import { WebSocket } from 'ws';
import { createCA, issueCert, type CertificateAuthority, type CertKeyPair } from '../pki/index.js';
import { createCloudHub, type CloudHubOptions, type CloudHubServer } from './cloud-hub.js';
import { createRevocations, type Revocations } from './revocations.js';

/** Test-only helpers: a CloudHub behind real mutual TLS on 127.0.0.1:0, and edge clients that dial it. */

// The cipher policy main uses for :10000 (kubeedge-reference.md §3).
export const HUB_CIPHERS = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305';

export interface Pki {
  ca: CertificateAuthority;
  server: CertKeyPair;
  node(name: string, cn?: string): Promise<CertKeyPair>;
  /** A new certificate for `name` each call (the cached one is issued once per test run). */
  freshNode(name: string): Promise<CertKeyPair>;
}

export async function createTestPki(): Promise<Pki> {
  const ca = await createCA('kedge-test-ca', 1);
  const server = await issueCert({ ca, cn: 'cloudcore', ips: ['127.0.0.1'], dnsNames: ['localhost'], days: 1, usage: 'server' });
  const cache = new Map<string, Promise<CertKeyPair>>();
  return {
    ca,
    server,
    node(name, cn = `system:node:${name}`) {
      let p = cache.get(cn);
      if (!p) cache.set(cn, (p = issueCert({ ca, cn, organizations: ['system:nodes'], days: 1, usage: 'client' })));
      return p;
    },
    freshNode: (name) => issueCert({ ca, cn: `system:node:${name}`, organizations: ['system:nodes'], days: 1, usage: 'client' }),
  };
}

/** Waits into the next whole second: X.509 validity has second precision. */
export async function nextSecond(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
}

export interface RunningHub {
  hub: CloudHubServer;
  revocations: Revocations;
  kube: FakeKube;
  port: number;
  stop(): Promise<void>;
}

export async function startHub(pki: Pki, opts: Partial<CloudHubOptions> = {}, kube: FakeKube = createFakeKube()): Promise<RunningHub> {
  const log = silentLogger();
  const informers = createInformerFactory(kube, log);
  // Loaded before the listener opens, as CloudCore does, so the first dial is not refused with 503.
  const revocations = opts.revocations ?? createRevocations({ client: kube, log });
  await revocations.load();
  const hub = createCloudHub({ client: kube, log, informers, revocations, ...opts });
  const server: Server = createServer({
    cert: pki.server.certPem, key: pki.server.keyPem, ca: pki.ca.certPem,
    requestCert: true, rejectUnauthorized: false, ciphers: HUB_CIPHERS, minVersion: 'TLSv1.2',
  });
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ac = new AbortController();
  const infDone = informers.start(ac.signal);
  const hubDone = hub.start(ac.signal);
  await informers.waitForSync();
  return {
    hub, kube, revocations, port: (server.address() as AddressInfo).port,
    async stop() {
      ac.abort();
      await hubDone;
      await revocations.flush();
      revocations.close();
      await infDone;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface EdgeClient {
  ws: WebSocket;
  received: Message[];
  /** Answer every ack-able message with `response`/"OK". */
  autoAck: boolean;
  next(pred?: (m: Message) => boolean, timeoutMs?: number): Promise<Message>;
  send(m: Message | string): void;
  closed: Promise<number>;
  close(): Promise<void>;
}

export interface DialOptions {
  /** Which certificate to present: a node name (CN system:node:<name>), or none. */
  certFor?: string | null;
  /** An explicit certificate instead of the cached one for `certFor`. */
  cert?: CertKeyPair;
  headers?: Record<string, string>;
}

/** Dials like KubeEdge's edgehub; rejects with `status <code>` when the upgrade is refused. */
export async function dial(pki: Pki, port: number, node: string, o: DialOptions = {}): Promise<EdgeClient> {
  const certFor = o.certFor === undefined ? node : o.certFor;
  const pair = o.cert ?? (certFor === null ? undefined : await pki.node(certFor));
  const ws = new WebSocket(`wss://127.0.0.1:${port}/e632aba927ea4ac2b575ec1603d56f10/${node}/events`, {
    ca: pki.ca.certPem,
    ...(pair ? { cert: pair.certPem, key: pair.keyPem } : {}),
    headers: { node_id: node, project_id: 'e632aba927ea4ac2b575ec1603d56f10', ...o.headers },
  });
  ws.on('error', () => {});
  const received: Message[] = [];
  const waiters: Array<{ pred: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  const client: EdgeClient = {
    ws, received, autoAck: false,
    next(pred = () => true, timeoutMs = 3000) {
      const i = received.findIndex(pred);
      if (i >= 0) return Promise.resolve(received.splice(i, 1)[0]!);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve: (m: Message) => { clearTimeout(t); resolve(m); } };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no matching message for ${node} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    send(m) {
      ws.send(typeof m === 'string' ? m : `${encodeMessage(m)}\n`);
    },
    closed: new Promise((resolve) => ws.on('close', (code) => resolve(code))),
    async close() {
      if (ws.readyState !== WebSocket.CLOSED) {
        ws.close();
        await client.closed;
      }
    },
  };
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Message;
    if (client.autoAck && m.header.resourceversion !== undefined || client.autoAck && m.route.operation === 'delete') {
      ws.send(encodeMessage(responseTo(m, 'OK', 'edgecontroller')));
    }
    const i = waiters.findIndex((w) => w.pred(m));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    else received.push(m);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      reject(new Error(`status ${res.statusCode}`));
      ws.terminate();
    });
    ws.once('error', reject);
  });
  return client;
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(fn: () => T | undefined | false, timeoutMs = 3000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
