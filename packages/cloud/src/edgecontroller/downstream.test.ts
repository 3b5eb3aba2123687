import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '@kedge/api';
import { createHarness, waitFor } from '@kedge/core/testing/index.js';
import { createEdgeController } from './index.js';
import { FakeHub, edgeNode, podOn } from './test-helpers.js';

const cm = (name: string, data: Record<string, string> = { k: 'v' }) => ({ metadata: { name, namespace: 'default' }, data });

async function setup() {
  const h = createHarness();
  const hub = new FakeHub();
  h.client.seed(R.nodes, edgeNode('e1'), edgeNode('e2'), { metadata: { name: 'cloud1' }, spec: {} });
  const ctl = createEdgeController({ client: h.client, informers: h.informers, hub, log: h.log, recorder: h.recorder });
  const stop = await h.run(ctl);
  return { h, hub, stop };
}

test('pods and their ConfigMaps go only to the edge node the pod is bound to', async () => {
  const { h, hub, stop } = await setup();
  try {
    h.client.seed(R.configmaps, cm('cfg'), cm('unused'));
    await h.client.create(R.pods, podOn('web', 'e1', { volumes: [{ name: 'v', configMap: { name: 'cfg' } }] }));
    await h.client.create(R.pods, podOn('cloudpod', 'cloud1', { volumes: [{ name: 'v', configMap: { name: 'unused' } }] }));
    const pod = h.client.peek(R.pods, 'default', 'web')!;
    await waitFor(() => hub.resources('e1').some((s) => s.msg.route.resource === 'node/e1/default/pod/web'), 'pod sent to e1');
    await waitFor(() => hub.resources('e1').some((s) => s.msg.route.resource === 'node/e1/default/configmap/cfg'), 'configmap sent to e1');
    const podMsg = hub.resources('e1').find((s) => s.msg.route.resource === 'node/e1/default/pod/web')!.msg;
    assert.equal(podMsg.route.source, 'edgecontroller');
    assert.equal(podMsg.route.group, 'resource');
    assert.equal(podMsg.route.operation, 'insert');
    assert.equal(podMsg.header.resourceversion, pod.metadata.resourceVersion);
    assert.equal((podMsg.content as any).kind, 'Pod');
    assert.equal((podMsg.content as any).apiVersion, 'v1');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(!hub.sent.some((s) => s.node === 'e2' && /pod|configmap/.test(s.msg.route.resource!)), 'nothing for e2');
    assert.ok(!hub.sent.some((s) => s.node === 'cloud1'), 'cloud nodes get nothing');
    assert.ok(!hub.sent.some((s) => s.msg.route.resource!.endsWith('/configmap/unused')), 'configmap of a cloud pod stays in the cloud');
    // Each edge node gets its own Node object, in the node namespace edged uses.
    assert.ok(hub.resources('e2').some((s) => s.msg.route.resource === 'node/e2/default/node/e2' && s.msg.route.operation === 'update'));
  } finally {
    await stop();
  }
});

test('ConfigMap update is an update; pod deletion is update then delete; unreferenced ConfigMap is deleted at the edge', async () => {
  const { h, hub, stop } = await setup();
  try {
    h.client.seed(R.configmaps, cm('cfg'));
    await h.client.create(R.pods, { ...podOn('web', 'e1'), metadata: { name: 'web', namespace: 'default', finalizers: ['test/hold'] }, spec: { nodeName: 'e1', containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'cfg' } }] }] } });
    await waitFor(() => hub.resources('e1').some((s) => s.msg.route.resource === 'node/e1/default/configmap/cfg'), 'configmap sent');
    hub.clear();
    const cur = h.client.peek(R.configmaps, 'default', 'cfg')!;
    const upd = await h.client.update(R.configmaps, { ...cur, data: { k: 'v2' } });
    await waitFor(() => hub.resources('e1').some((s) => s.msg.route.operation === 'update' && s.msg.route.resource === 'node/e1/default/configmap/cfg'), 'configmap update');
    const m = hub.resources('e1').find((s) => s.msg.route.resource === 'node/e1/default/configmap/cfg')!.msg;
    assert.equal(m.header.resourceversion, upd.metadata.resourceVersion);
    assert.deepEqual((m.content as any).data, { k: 'v2' });

    hub.clear();
    await h.client.delete(R.pods, 'default', 'web');
    await waitFor(() => hub.resources('e1').some((s) => s.msg.route.resource === 'node/e1/default/pod/web' && s.msg.route.operation === 'update' && (s.msg.content as any).metadata.deletionTimestamp), 'terminating pod sent as update');
    const p = h.client.peek(R.pods, 'default', 'web')!;
    await h.client.update(R.pods, { ...p, metadata: { ...p.metadata, finalizers: [] } });
    await waitFor(() => hub.resources('e1').some((s) => s.msg.route.resource === 'node/e1/default/pod/web' && s.msg.route.operation === 'delete'), 'pod delete');
    const del = hub.resources('e1').find((s) => s.msg.route.operation === 'delete' && s.msg.route.resource === 'node/e1/default/pod/web')!.msg;
    assert.equal((del.content as any).metadata.uid, p.metadata.uid);
    await waitFor(() => hub.resources('e1').some((s) => s.msg.route.resource === 'node/e1/default/configmap/cfg' && s.msg.route.operation === 'delete'), 'configmap no longer needed on e1');
  } finally {
    await stop();
  }
});

test('a reconnecting node gets everything it should hold again; deleting its Node revokes it', async () => {
  const { h, hub, stop } = await setup();
  try {
    h.client.seed(R.secrets, { metadata: { name: 's', namespace: 'default' }, data: { a: 'Yg==' } });
    await h.client.create(R.pods, podOn('web', 'e2', { imagePullSecrets: [{ name: 's' }] }));
    await waitFor(() => hub.resources('e2').some((s) => s.msg.route.resource === 'node/e2/default/secret/s'), 'secret sent');
    hub.clear();
    hub.connect('e2');
    await waitFor(() => ['node/e2/default/secret/s', 'node/e2/default/pod/web', 'node/e2/default/node/e2'].every((r) => hub.resources('e2').some((s) => s.msg.route.resource === r)), 'resent on connect');
    assert.ok(!hub.sent.some((s) => s.node !== 'e2'), 'other nodes untouched');

    await h.client.delete(R.nodes, undefined, 'e2');
    await waitFor(() => hub.revoked.has('e2'), 'revoked');
    assert.ok(!hub.revoked.has('e1'));
  } finally {
    await stop();
  }
});

test('a Node is resent to its edge when labels/spec change, not on status-only writes (heartbeats)', async () => {
  const { h, hub, stop } = await setup();
  try {
    await waitFor(() => hub.resources('e1').some((s) => s.msg.route.resource === 'node/e1/default/node/e1'), 'node sent');
    hub.clear();
    const n = h.client.peek(R.nodes, undefined, 'e1')!;
    await h.client.update(R.nodes, { ...n, status: { conditions: [{ type: 'Ready', status: 'True' }] } }, { subresource: 'status' });
    const n2 = h.client.peek(R.nodes, undefined, 'e1')!;
    const labelled = await h.client.update(R.nodes, { ...n2, metadata: { ...n2.metadata, labels: { ...n2.metadata.labels, zone: 'z' } } });
    await waitFor(() => hub.resources('e1').length > 0, 'label change sent');
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(hub.resources('e1').map((s) => s.msg.header.resourceversion), [labelled.metadata.resourceVersion]);
  } finally {
    await stop();
  }
});
