// CloudStream's half of the tunnel over real mutual TLS: who may connect, the Status without a tunnel,
// and a pods/log request relayed to a peer speaking the edge's side of the frame protocol (the real
// edge end is exercised with it in test/e2e/src/stream).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@kedge/core';
import { WebSocket } from 'ws';
import { isApiError } from '@kedge/api';
import { createTestPki, type Pki } from '../cloudhub/hub-harness.js';
import { streamTunnelServer } from '../cloudcore/listeners.js';
import { createCloudStream, STREAM_PATH, type CloudStream } from './cloud-stream.js';
import { decodeFrame, encodeFrame, FrameType } from '@kedge/core/stream-tunnel/index.js';

let pki: Pki;
let stream: CloudStream;
let tunnelPort = 0;
const tunnelServer = { close: () => {} };
const noRevocations = { isRevoked: () => false };

before(async () => {
  pki = await createTestPki();
  stream = createCloudStream({ log: silentLogger() });
  const server = streamTunnelServer({ caCertPem: pki.ca.certPem, serverCertPem: pki.server.certPem, serverKeyPem: pki.server.keyPem }, stream.handleTunnel(noRevocations), silentLogger());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  tunnelPort = (server.address() as AddressInfo).port;
  tunnelServer.close = () => {
    server.closeAllConnections();
    server.close();
  };
});

after(() => {
  stream?.closeAll();
  tunnelServer.close();
});

async function dialAs(node: string, cn = `system:node:${node}`): Promise<WebSocket> {
  const id = await pki.node(node, cn);
  const ws = new WebSocket(`wss://127.0.0.1:${tunnelPort}${STREAM_PATH}`, { headers: { node_id: node }, ca: pki.ca.certPem, cert: id.certPem, key: id.keyPem });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

const pod = (nodeName: string) => ({ namespace: 'default', name: 'web', nodeName, uid: 'u-1' });

/** Calls podStreamer.logs inside a real HTTP server and returns what the client received. */
async function httpLogs(nodeName: string): Promise<{ status: number; body: string }> {
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    const ac = new AbortController();
    res.on('close', () => ac.abort());
    stream.podStreamer.logs(pod(nodeName), { follow: false }, res, ac.signal).catch((err: unknown) => {
      const e = isApiError(err) ? err : undefined;
      res.writeHead(e?.code ?? 500, { 'Content-Type': 'application/json' }).end(JSON.stringify(e?.toStatus() ?? { message: String(err) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    return await new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/' }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject).end();
    });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

test('a node certificate whose CN does not match node_id is refused; a matching one connects', async () => {
  await assert.rejects(dialAs('edge-a', 'system:node:edge-b'), /refused 403/);
  const ws = await dialAs('edge-a');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(stream.connectedNodes(), ['edge-a']);
  ws.close();
  await new Promise((r) => ws.once('close', r));
});

test('without a tunnel, pods/log answers ServiceUnavailable naming the node', async () => {
  const r = await httpLogs('edge-offline');
  assert.equal(r.status, 503);
  assert.equal(JSON.parse(r.body).message, 'node "edge-offline" has no stream tunnel connected (is the edge online?)');
});

test('pods/log is relayed from the edge: its Status before Ready becomes the response, text after Ready streams with Window credit', async () => {
  const ws = await dialAs('edge-logs');
  const windows: number[] = [];
  let requests = 0;
  ws.on('message', (buf: Buffer) => {
    const f = decodeFrame(buf);
    if (f.type === FrameType.Window) {
      windows.push(f.payload[0]!);
      // The client took both writes: credit came back for each, and the edge ends the log.
      if (windows.length === 2) ws.send(encodeFrame(f.id, FrameType.Close));
    }
    if (f.type !== FrameType.Open) return;
    const req = JSON.parse(f.payload.toString());
    assert.deepEqual(req, { kind: 'logs', pod: { namespace: 'default', name: 'web', uid: 'u-1' }, opts: { follow: false } });
    if (requests++ === 0) {
      ws.send(encodeFrame(f.id, FrameType.Error, JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400, message: 'previous terminated container "web" in pod "web" not found' })));
      ws.send(encodeFrame(f.id, FrameType.Close));
      return;
    }
    ws.send(encodeFrame(f.id, FrameType.Ready));
    ws.send(encodeFrame(f.id, FrameType.Data, 'one\n'));
    ws.send(encodeFrame(f.id, FrameType.Data, 'two\n'));
  });
  await new Promise((r) => setTimeout(r, 50));
  const refused = await httpLogs('edge-logs');
  assert.equal(refused.status, 400);
  assert.match(JSON.parse(refused.body).message, /previous terminated container/);
  const ok = await httpLogs('edge-logs');
  assert.equal(ok.status, 200);
  assert.equal(ok.body, 'one\ntwo\n');
  assert.deepEqual(windows, [4, 4]);
  ws.close();
});
