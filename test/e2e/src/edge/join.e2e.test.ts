import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createToken } from '@kedge/cloud/certserver/index.js';
import { startFaultProxy, type FaultProxy } from '@kedge/core/testing/fault-proxy.js';
import { issueNodeCert, readEdgeCache, joinExpectingFailure, metaServer, rawHubClient, startCloud, startEdge, type Cloud, type Edge } from '../harness/edge-link.js';
import { sleep, waitFor } from '../harness/wait.js';
import { EDGE_LABEL, boundPod, configMap, createNamespace, must, waitEdgeObject, waitNodeReady } from './fixtures.js';

// Issue 3 "Tests": join with good and bad tokens, node Ready with the edge labels, a bound pod and a
// ConfigMap update reaching the edge's cache and MetaServer, the cache serving offline, revocation.

const NS = 'join-e2e';
const NODE = 'edge-join-1';
let cloud: Cloud;
let proxy: FaultProxy;
let edge: Edge;
let token: string;
const cleanup: Array<() => Promise<unknown>> = [];

before(async () => {
  cloud = await startCloud();
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: cloud.hubPort } });
  token = await cloud.getToken();
});

after(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {});
  await edge?.stop();
  await proxy?.close();
  await cloud?.stop();
});

/** The certificates `kedge join` stored under the edge's data dir (edge config default `<dataDir>/certs/`). */
const readEdgeCerts = (e: Edge) => {
  const f = (n: string) => readFileSync(join(e.dataDir, 'certs', n), 'utf8');
  return { caPem: f('ca.crt'), certPem: f('edge.crt'), keyPem: f('edge.key') };
};

const oneLine = (s: string) => s.trim().split('\n').filter(Boolean);

test('kedge join refuses a forged token and a token of another cloud, with one line each and no Node', async () => {
  const caHash = token.split('.')[0]!;
  const forgedJwt = createToken(Buffer.from('x'), Buffer.from('not the cloud key'), 3_600_000).split('.').slice(1).join('.');
  const forged = await joinExpectingFailure({ cloud, name: 'edge-bad-1', token: `${caHash}.${forgedJwt}` });
  assert.equal(forged.code, 1, `stderr: ${forged.err}`);
  const fl = oneLine(forged.err);
  assert.equal(fl.length, 1, `one line expected, got: ${forged.err}`);
  assert.match(fl[0]!, /^kedge: .*token/i);

  const otherCloud = createToken(Buffer.from('some other CA'), Buffer.from('some other key'), 3_600_000);
  const mismatch = await joinExpectingFailure({ cloud, name: 'edge-bad-2', token: otherCloud });
  assert.equal(mismatch.code, 1, `stderr: ${mismatch.err}`);
  const ml = oneLine(mismatch.err);
  assert.equal(ml.length, 1, `one line expected, got: ${mismatch.err}`);
  assert.match(ml[0]!, /^kedge: .*CA hash mismatch/);

  for (const n of ['edge-bad-1', 'edge-bad-2']) assert.equal((await cloud.kube.get(`/api/v1/nodes/${n}`)).status, 404);
});

test('a good token joins: the node turns Ready with the edge labels, through the fault proxy', async () => {
  edge = await startEdge({ cloud, name: NODE, via: proxy, token, labels: { 'example.com/site': 'lab-7' } });
  const node = await waitNodeReady(cloud.kube, NODE);
  assert.equal(node.metadata.labels[EDGE_LABEL], '');
  assert.equal(node.metadata.labels['example.com/site'], 'lab-7');
  assert.equal(node.metadata.labels['kubernetes.io/hostname'] !== undefined, true);
  assert.ok(proxy.stats().upBytes > 0 && proxy.connections() >= 1, 'the edge must reach CloudHub through the proxy');
});

test('a pod bound to the node reaches its cache and MetaServer; a ConfigMap update follows', async () => {
  const meta = metaServer(edge);
  await createNamespace(cloud.kube, NS);
  await must(cloud.kube.request('POST', `/api/v1/namespaces/${NS}/configmaps`, configMap('app-config', NS, { mode: 'v1' })));
  const pod = await must(cloud.kube.request('POST', `/api/v1/namespaces/${NS}/pods`, boundPod('app', NS, NODE, { configMaps: ['app-config'] })));

  const onEdge = await waitEdgeObject(meta, `/api/v1/namespaces/${NS}/pods/app`, (p) => p.metadata?.uid === pod.metadata.uid, 'pod on the edge');
  assert.equal(onEdge.spec.nodeName, NODE);
  const list = await meta.get(`/api/v1/namespaces/${NS}/pods`);
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.items.map((p: any) => p.metadata.name), ['app']);
  await waitEdgeObject(meta, `/api/v1/namespaces/${NS}/configmaps/app-config`, (c) => c.data?.mode === 'v1', 'configmap v1 on the edge');

  await must(cloud.kube.request('PATCH', `/api/v1/namespaces/${NS}/configmaps/app-config`, { data: { mode: 'v2' } }, 'application/merge-patch+json'));
  const cm = await waitEdgeObject(meta, `/api/v1/namespaces/${NS}/configmaps/app-config`, (c) => c.data?.mode === 'v2', 'configmap v2 on the edge');
  // The cache row holds the cloud's object as delivered (the MetaServer serves local revisions instead).
  const cloudCm = await must(cloud.kube.get(`/api/v1/namespaces/${NS}/configmaps/app-config`));
  assert.equal(cm.metadata.uid, cloudCm.metadata.uid);
  const cached = readEdgeCache(edge, `${NS}/configmap/app-config`);
  assert.equal(cached?.metadata?.resourceVersion, cloudCm.metadata.resourceVersion);
  assert.equal(cached?.data?.mode, 'v2');
  assert.equal(readEdgeCache(edge, `${NS}/pod/app`)?.metadata?.uid, pod.metadata.uid);
});

test('kedge edge restarted offline serves the cached objects; online again it catches up', async () => {
  proxy.block();
  proxy.cut();
  assert.equal(await edge.kill(), 0);
  await edge.start();
  const meta = metaServer(edge);
  // Offline: nothing can reach the cloud, so these answers come from the SQLite cache.
  const pod = await meta.get(`/api/v1/namespaces/${NS}/pods/app`);
  assert.equal(pod.status, 200, pod.text);
  assert.equal((await meta.get(`/api/v1/namespaces/${NS}/configmaps/app-config`)).json?.data?.mode, 'v2');
  assert.equal(proxy.connections(), 0);

  await must(cloud.kube.request('PATCH', `/api/v1/namespaces/${NS}/configmaps/app-config`, { data: { mode: 'v3' } }, 'application/merge-patch+json'));
  await sleep(500);
  assert.equal((await meta.get(`/api/v1/namespaces/${NS}/configmaps/app-config`)).json?.data?.mode, 'v2');
  proxy.unblock();
  await waitEdgeObject(meta, `/api/v1/namespaces/${NS}/configmaps/app-config`, (c) => c.data?.mode === 'v3', 'configmap v3 after reconnect');
  await waitNodeReady(cloud.kube, NODE);
});

test('deleting the Node revokes it: CloudHub refuses its certificate and the edge cannot re-register', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-revoke-'));
  cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
  const certs = await issueNodeCert(cloud.certServerUrl, token, NODE, dir);

  await must(cloud.kube.request('DELETE', `/api/v1/nodes/${NODE}`));

  const raw = rawHubClient({ address: cloud.hubAddress, certs, nodeId: NODE });
  cleanup.push(async () => raw.close());
  await assert.rejects(raw.opened, /^Error: HTTP 403: .*revoked/);

  // The edge keeps redialling; none of its attempts may bring the Node back.
  const before = proxy.stats().accepted;
  await waitFor(() => proxy.stats().accepted > before, { timeoutMs: 20_000, message: 'the edge to redial' });
  await sleep(1000);
  assert.equal((await cloud.kube.get(`/api/v1/nodes/${NODE}`)).status, 404);

  // Another node's certificate is unaffected.
  const other = issueNodeCert(cloud.certServerUrl, token, 'edge-join-other', join(dir, 'other'));
  const ok = rawHubClient({ address: cloud.hubAddress, certs: await other, nodeId: 'edge-join-other' });
  cleanup.push(async () => ok.close());
  await ok.opened;
});

test('the revocation survives a CloudCore restart; joining again with a new token re-admits the node', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-revoke-restart-'));
  cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
  // The running edge still holds its pre-deletion certificate; a copy of that identity is dialled raw.
  const old = readEdgeCerts(edge);
  await edge.kill();
  assert.equal(await cloud.restart(), 0, cloud.stderrTail());
  const raw = rawHubClient({ address: cloud.hubAddress, certs: old, nodeId: NODE });
  cleanup.push(async () => raw.close());
  await assert.rejects(raw.opened, /^Error: HTTP 403: .*revoked/);
  assert.equal((await cloud.kube.get(`/api/v1/nodes/${NODE}`)).status, 404);

  // Certificates are revoked up to the deletion time in whole seconds: a new join must come later.
  await sleep(1100);
  await edge.stop();
  edge = await startEdge({ cloud, name: NODE, via: proxy, token: await cloud.getToken() });
  const node = await waitNodeReady(cloud.kube, NODE);
  assert.equal(node.metadata.labels[EDGE_LABEL], '');
});
