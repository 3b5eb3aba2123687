import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFaultProxy, type FaultProxy } from '@kedge/core/testing/fault-proxy.js';
import { metaServer, readEdgeCache, startCloud, startEdge, type Cloud, type Edge, type MetaWatch } from '../harness/edge-link.js';
import { sleep, waitFor } from '../harness/wait.js';
import { boundPod, configMap, createNamespace, must, objectSync, waitEdgeGone, waitEdgeObject, waitNodeReady } from './fixtures.js';

// Issue 3 "Tests": changes made while the node is disconnected arrive exactly once after reconnect;
// CloudCore restarted mid-delivery loses nothing (ObjectSync). Faults come from the TCP fault proxy.

const NS = 'reconnect-e2e';
const NODE = 'edge-reconnect-1';
let cloud: Cloud;
let proxy: FaultProxy;
let edge: Edge;
const watches: MetaWatch[] = [];

before(async () => {
  cloud = await startCloud();
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: cloud.hubPort } });
  edge = await startEdge({ cloud, name: NODE, via: proxy });
  await waitNodeReady(cloud.kube, NODE);
  await createNamespace(cloud.kube, NS);
});

after(async () => {
  for (const w of watches) w.close();
  await edge?.stop();
  await proxy?.close();
  await cloud?.stop();
});

const cmPath = (name: string) => `/api/v1/namespaces/${NS}/configmaps/${name}`;
const setData = (name: string, v: string) => must(cloud.kube.request('PATCH', cmPath(name), { data: { v } }, 'application/merge-patch+json'));
const cloudCm = (name: string) => must(cloud.kube.get(cmPath(name)));

/** Makes `names` with data v=1, binds a pod using them, and waits until the edge holds all of them. */
async function seed(pod: string, names: string[], extraRefs: string[] = []): Promise<Record<string, any>> {
  const made: Record<string, any> = {};
  for (const n of names) made[n] = await must(cloud.kube.request('POST', `/api/v1/namespaces/${NS}/configmaps`, configMap(n, NS, { v: '1' })));
  await must(cloud.kube.request('POST', `/api/v1/namespaces/${NS}/pods`, boundPod(pod, NS, NODE, { configMaps: [...names, ...extraRefs] })));
  const meta = metaServer(edge);
  for (const n of names) await waitEdgeObject(meta, cmPath(n), (c) => c.data?.v === '1', `${n} v1 on the edge`);
  return made;
}

/** Blocks and cuts the link, then waits until the edge has tried (and failed) to come back at least once. */
async function disconnect(): Promise<void> {
  const refused = proxy.stats().refused;
  proxy.block();
  proxy.cut();
  await waitFor(() => proxy.stats().refused > refused, { timeoutMs: 15_000, message: 'the edge to be refused by the blocked proxy' });
}

async function expectObjectSyncs(node: string, names: string[], gone: Record<string, string>): Promise<void> {
  for (const n of names) {
    const cm = await cloudCm(n);
    await waitFor(async () => (await objectSync(cloud.kube, NS, node, cm.metadata.uid)).rv === cm.metadata.resourceVersion, {
      timeoutMs: 10_000, message: `ObjectSync of ${n} at rv ${cm.metadata.resourceVersion}`,
    });
  }
  for (const [n, uid] of Object.entries(gone)) {
    await waitFor(async () => (await objectSync(cloud.kube, NS, node, uid)).status === 404, { timeoutMs: 10_000, message: `ObjectSync of deleted ${n} removed` });
  }
}

test('changes made while the edge is disconnected arrive exactly once after reconnect', async () => {
  const names = ['c1', 'c2', 'c3', 'c4'];
  const made = await seed('reader', names);
  const meta = metaServer(edge);
  // Opened before the cut: the MetaServer stays up offline, so this stream sees every cache write.
  const w = await meta.watch(`/api/v1/namespaces/${NS}/configmaps?watch=true`);
  watches.push(w);
  await waitFor(() => w.events.length >= names.length, { timeoutMs: 5_000, message: 'initial ADDED events' });
  await sleep(300);
  const baseline = w.events.length;

  await disconnect();
  await setData('c1', '2');
  await setData('c1', '3');
  await setData('c2', '2');
  await must(cloud.kube.request('DELETE', cmPath('c4')));
  await sleep(500);
  // Still offline: the cache has not moved.
  assert.equal((await meta.get(cmPath('c1'))).json?.data?.v, '1');
  assert.equal((await meta.get(cmPath('c4'))).status, 200);
  assert.equal(w.events.length, baseline, `no cache writes while offline: ${JSON.stringify(w.events.slice(baseline))}`);

  proxy.unblock();
  await waitEdgeObject(meta, cmPath('c1'), (c) => c.data?.v === '3', 'c1 v3 after reconnect');
  await waitEdgeObject(meta, cmPath('c2'), (c) => c.data?.v === '2', 'c2 v2 after reconnect');
  await waitEdgeGone(meta, cmPath('c4'), 'c4 deleted on the edge');
  assert.equal((await meta.get(cmPath('c3'))).json?.data?.v, '1');
  // Time for a resend loop or a per-node relist to show up as extra cache writes.
  await sleep(2_500);

  const seen = w.events.slice(baseline).map((e) => `${e.type} ${e.object?.metadata?.name} ${e.object?.data?.v ?? ''}`.trim());
  // Coalesced per object, newest version only, unchanged c3 not resent, the delete once.
  assert.deepEqual([...seen].sort(), ['DELETED c4 1', 'MODIFIED c1 3', 'MODIFIED c2 2'], `edge cache writes after reconnect: ${JSON.stringify(seen)}`);
  for (const n of ['c1', 'c2', 'c3']) assert.equal(readEdgeCache(edge, `${NS}/configmap/${n}`)?.metadata?.resourceVersion, (await cloudCm(n)).metadata.resourceVersion, n);
  assert.equal(readEdgeCache(edge, `${NS}/configmap/c4`), undefined);
  await expectObjectSyncs(NODE, ['c1', 'c2', 'c3'], { c4: made.c4.metadata.uid });
  await waitNodeReady(cloud.kube, NODE);
});

test('added latency and a frame torn mid-way: the change still lands, nothing rolls back', async () => {
  await seed('reader-3', ['d1']);
  const meta = metaServer(edge);
  const w = await meta.watch(`/api/v1/namespaces/${NS}/configmaps?watch=true`);
  watches.push(w);

  proxy.setDelay(150);
  await setData('d1', '2');
  await waitEdgeObject(meta, cmPath('d1'), (c) => c.data?.v === '2', 'd1 v2 through a 150 ms link');
  proxy.setDelay(0);

  const { cut, accepted } = proxy.stats();
  proxy.dropMidFrame();
  await setData('d1', '3');
  await waitFor(() => proxy.stats().cut > cut, { timeoutMs: 10_000, message: 'a downstream frame to be torn' });
  await waitEdgeObject(meta, cmPath('d1'), (c) => c.data?.v === '3', 'd1 v3 after the torn frame');
  assert.ok(proxy.stats().accepted > accepted, 'the edge must have redialled after the torn frame');
  const d1 = w.events.filter((e) => e.object?.metadata?.name === 'd1' && e.type !== 'ADDED').map((e) => `${e.type} ${e.object.data?.v}`);
  // v3 may legitimately arrive twice (its ACK can die with the link), but never before v2 or as a rollback.
  assert.equal(d1[0], 'MODIFIED 2', JSON.stringify(d1));
  assert.ok(d1.length >= 2 && d1.slice(1).every((e) => e === 'MODIFIED 3'), JSON.stringify(d1));
  const cm = await cloudCm('d1');
  assert.equal(readEdgeCache(edge, `${NS}/configmap/d1`)?.metadata?.resourceVersion, cm.metadata.resourceVersion);
  await expectObjectSyncs(NODE, ['d1'], {});
});

test('CloudCore restarted mid-delivery loses nothing: ObjectSync drives the resync', async () => {
  const made = await seed('reader-2', ['r1', 'r2', 'r3'], ['r4']);
  const meta = metaServer(edge);
  const w = await meta.watch(`/api/v1/namespaces/${NS}/configmaps?watch=true`);
  watches.push(w);

  // Stalled, not cut: CloudHub writes these changes into the link and waits for ACKs that never come.
  proxy.stall();
  await setData('r1', '2');
  await must(cloud.kube.request('DELETE', cmPath('r2')));
  await sleep(1_000);
  assert.equal((await meta.get(cmPath('r1'))).json?.data?.v, '1');

  proxy.block();
  assert.equal(await cloud.kill(), 0, cloud.stderrTail());
  // The frames held in flight are lost with the connection.
  proxy.cut();
  proxy.resume();
  await cloud.start();
  // Changes made after the restart while the edge is still away, including a new object its pod uses.
  await setData('r3', '2');
  const r4 = await must(cloud.kube.request('POST', `/api/v1/namespaces/${NS}/configmaps`, configMap('r4', NS, { v: '1' })));
  assert.equal((await meta.get(cmPath('r2'))).status, 200, 'r2 must still be cached before the reconnect');

  proxy.unblock();
  await waitEdgeObject(meta, cmPath('r1'), (c) => c.data?.v === '2', 'r1 v2 after the restart', 45_000);
  await waitEdgeGone(meta, cmPath('r2'), 'r2 deleted on the edge');
  await waitEdgeObject(meta, cmPath('r3'), (c) => c.data?.v === '2', 'r3 v2 after the restart');
  await waitEdgeObject(meta, cmPath('r4'), (c) => c.metadata?.uid === r4.metadata.uid, 'r4 created after the restart');
  for (const n of ['r1', 'r3', 'r4']) assert.equal(readEdgeCache(edge, `${NS}/configmap/${n}`)?.metadata?.resourceVersion, (await cloudCm(n)).metadata.resourceVersion, n);
  assert.equal(readEdgeCache(edge, `${NS}/configmap/r2`), undefined);
  await expectObjectSyncs(NODE, ['r1', 'r3', 'r4'], { r2: made.r2.metadata.uid });
  // Nothing rolled back or resurrected along the way.
  const r2Events = w.events.filter((e) => e.object?.metadata?.name === 'r2' && e.type !== 'ADDED');
  assert.deepEqual(r2Events.map((e) => e.type), ['DELETED']);
  assert.ok(w.events.filter((e) => e.object?.metadata?.name === 'r1' && e.type === 'MODIFIED').every((e) => e.object.data.v === '2'));
  await waitNodeReady(cloud.kube, NODE, 45_000);
});
