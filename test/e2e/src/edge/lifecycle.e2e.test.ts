import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startFaultProxy, type FaultProxy } from '@kedge/core/testing/fault-proxy.js';
import { startCloud, startEdge, type Cloud, type Edge } from '../harness/edge-link.js';
import { waitFor } from '../harness/wait.js';
import { boundPod, createNamespace, must, readyCondition, waitNodeReady } from './fixtures.js';

// Issue 3: node lifecycle from heartbeats that arrive through the hub. A disconnected edge node goes
// Unknown, its pods stay, and it turns Ready within one heartbeat of reconnecting.

const NS = 'lifecycle-e2e';
const NODE = 'edge-lifecycle-1';
// kedge's edge sends node status every 10 s (edge config nodeStatus.updateSeconds).
const STATUS_INTERVAL_MS = 10_000;
let dir: string;
let cloud: Cloud;
let proxy: FaultProxy;
let edge: Edge;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kedge-lifecycle-e2e-'));
  const cfg = join(dir, 'kedge.yaml');
  // Short grace so the test need not wait kube's 50 s; still above the status interval.
  writeFileSync(cfg, 'controllers:\n  nodeLifecycle:\n    gracePeriodSeconds: 15\n');
  cloud = await startCloud({ extraArgs: ['--config', cfg] });
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: cloud.hubPort } });
  edge = await startEdge({ cloud, name: NODE, via: proxy });
});

after(async () => {
  await edge?.stop();
  await proxy?.close();
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a disconnected edge node goes Unknown, keeps its pods, and is Ready within one heartbeat of reconnecting', async () => {
  await waitNodeReady(cloud.kube, NODE);
  await createNamespace(cloud.kube, NS);
  const pod = await must(cloud.kube.request('POST', `/api/v1/namespaces/${NS}/pods`, boundPod('stays', NS, NODE)));

  proxy.block();
  proxy.cut();
  await waitFor(async () => readyCondition(await must(cloud.kube.get(`/api/v1/nodes/${NODE}`))) === 'Unknown', {
    timeoutMs: 40_000, intervalMs: 500, message: `node ${NODE} Unknown after the link was cut`,
  });
  const still = await must(cloud.kube.get(`/api/v1/namespaces/${NS}/pods/stays`));
  assert.equal(still.metadata.uid, pod.metadata.uid);
  assert.equal(still.metadata.deletionTimestamp, undefined);

  proxy.unblock();
  // The edge redials on its own backoff; the clock starts once the link is back.
  await waitFor(() => proxy.connections() > 0, { timeoutMs: 40_000, intervalMs: 100, message: 'the edge to reconnect' });
  const reconnectedAt = Date.now();
  await waitNodeReady(cloud.kube, NODE, STATUS_INTERVAL_MS + 2_000);
  assert.ok(Date.now() - reconnectedAt <= STATUS_INTERVAL_MS + 2_000);
});
