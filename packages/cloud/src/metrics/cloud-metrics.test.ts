import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetricsRegistry } from '@kedge/core';
import type { CloudHub } from '../cloudhub/types.js';
import { createCloudMetrics } from './cloud-metrics.js';

const get = (port: number, path: string) => new Promise<number>((resolve, reject) => {
  request({ host: '127.0.0.1', port, path }, (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0))).on('error', reject).end();
});

test('request latency, codes and hub state appear in the registry', async (t) => {
  const registry = createMetricsRegistry('kedge_cloud');
  const m = createCloudMetrics(registry);
  const server = createServer((req, res) => {
    m.observeRequest(req, res);
    res.writeHead(req.url?.includes('missing') ? 404 : 200).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  await get(port, '/api/v1/namespaces/default/pods');
  await get(port, '/api/v1/namespaces/default/pods/missing');
  const hub = {
    sessions: () => [
      { node: 'a', projectId: 'p', remoteAddress: '', connectedAt: 0, queueDepth: 3, inFlight: 1 },
      { node: 'b', projectId: 'p', remoteAddress: '', connectedAt: 0, queueDepth: 2, inFlight: 0 },
    ],
    stats: () => ({ connects: 5, disconnects: 3, acks: 40, resends: 2, upstream: 99 }),
  } as unknown as CloudHub;
  m.watchHub(hub);
  const { PassThrough } = await import('node:stream');
  const sock = new PassThrough();
  m.observeUpgrade({ method: 'GET', url: '/api/v1/namespaces/default/pods/p/exec?command=ls' } as never, sock);
  assert.match(await registry.metrics(), /apiserver_longrunning_requests\{verb="CONNECT",resource="pods"\} 1/);
  sock.destroy();
  await new Promise((r) => setImmediate(r));
  const text = await registry.metrics();
  assert.match(text, /apiserver_longrunning_requests\{verb="CONNECT",resource="pods"\} 0/);
  assert.match(text, /apiserver_request_total\{verb="LIST",resource="pods",subresource="",code="200"\} 1/);
  assert.match(text, /apiserver_request_total\{verb="GET",resource="pods",subresource="",code="404"\} 1/);
  assert.match(text, /apiserver_request_duration_seconds_count\{verb="LIST",resource="pods",subresource="",code="200"\} 1/);
  assert.match(text, /kedge_cloudhub_connected_nodes 2/);
  assert.match(text, /kedge_cloudhub_queue_depth 5/);
  assert.match(text, /kedge_cloudhub_acks_total 40/);
  assert.match(text, /kedge_cloudhub_resends_total 2/);
  assert.match(text, /kedge_cloudhub_connections_total 5/);
});
