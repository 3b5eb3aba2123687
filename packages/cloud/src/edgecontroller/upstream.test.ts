import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R, newMessage } from '@kedge/api';
import { createHarness, waitFor } from '@kedge/core/testing/index.js';
import { createEdgeController, toMicroTime } from './index.js';
import { FakeHub, edgeMsg, edgeNode, podOn } from './test-helpers.js';

let clock = Date.parse('2026-03-01T12:00:00Z');

async function setup() {
  const h = createHarness();
  const hub = new FakeHub();
  h.client.seed(R.nodes, edgeNode('a'), edgeNode('b'));
  h.client.seed(R.secrets, { metadata: { name: 'a-secret', namespace: 'default' }, data: { x: 'eA==' } });
  h.client.seed(R.configmaps, { metadata: { name: 'a-cfg', namespace: 'default' }, data: { x: 'y' } });
  h.client.seed(R.pods, podOn('pa', 'a', { volumes: [{ name: 's', secret: { secretName: 'a-secret' } }, { name: 'c', projected: { sources: [{ configMap: { name: 'a-cfg' } }] } }] }), podOn('pb', 'b'));
  const ctl = createEdgeController({ client: h.client, informers: h.informers, hub, log: h.log, now: () => clock });
  const stop = await h.run(ctl);
  return { h, hub, stop };
}

test('registration creates the Node with the edge labels and the reported status; query answers it', async () => {
  const { h, hub, stop } = await setup();
  try {
    const reg = await hub.request('new1', edgeMsg('insert', 'default/node/new1', {
      metadata: { name: 'new1', labels: { 'kubernetes.io/hostname': 'new1' } },
      status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2020-01-01T00:00:00Z' }], daemonEndpoints: { kubeletEndpoint: { Port: 10350 } } },
    }));
    assert.equal(reg.route.operation, 'response');
    assert.equal(reg.route.source, 'edgecontroller');
    const n = h.client.peek(R.nodes, undefined, 'new1')!;
    assert.deepEqual(n.metadata.labels, { 'kubernetes.io/hostname': 'new1', 'node-role.kubernetes.io/edge': '', 'node-role.kubernetes.io/agent': '' });
    assert.equal(n.status.conditions[0].status, 'True');
    assert.equal((reg.content as any).metadata.uid, n.metadata.uid);

    // Re-registration of an existing node merges labels instead of failing.
    await hub.request('new1', edgeMsg('insert', 'default/node/new1', { metadata: { name: 'new1', labels: { zone: 'z1' } } }));
    assert.equal(h.client.peek(R.nodes, undefined, 'new1')!.metadata.labels!.zone, 'z1');

    const q = await hub.request('a', edgeMsg('query', 'default/node/a'));
    assert.equal(q.route.operation, 'response');
    assert.equal((q.content as any).metadata.name, 'a');
    assert.equal((q.content as any).kind, 'Node');
    const missing = await hub.request('ghost', edgeMsg('query', 'default/node/ghost'));
    assert.equal(missing.route.operation, 'error');
    assert.equal(missing.content, 'nodes "ghost" not found');
  } finally {
    await stop();
  }
});

test('registration is one write: create keeps the status; an unchanged re-registration writes only status', async () => {
  const { h, hub, stop } = await setup();
  try {
    h.client.reset();
    const status = { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2020-01-01T00:00:00Z' }] };
    await hub.request('n2', edgeMsg('insert', 'default/node/n2', { metadata: { name: 'n2', labels: { zone: 'z' } }, status }));
    assert.equal(h.client.writes().length, 1, JSON.stringify(h.client.writes()));
    assert.equal(h.client.peek(R.nodes, undefined, 'n2')!.status.conditions[0].lastHeartbeatTime, '2026-03-01T12:00:00Z', 'stale heartbeat refreshed on create');
    await waitFor(() => h.client.peek(R.nodes, undefined, 'n2') !== undefined && h.informers.informer(R.nodes).get('n2') !== undefined, 'node cached');
    h.client.reset();
    await hub.request('n2', edgeMsg('insert', 'default/node/n2', { metadata: { name: 'n2', labels: { zone: 'z' } }, status }));
    assert.deepEqual(h.client.writes().map((w) => w.subresource), ['status']);
  } finally {
    await stop();
  }
});

test('nodestatus updates /status, refreshing stale heartbeats and keeping daemonEndpoints; replies only when sync', async () => {
  const { h, hub, stop } = await setup();
  try {
    const cur = h.client.peek(R.nodes, undefined, 'a')!;
    await h.client.update(R.nodes, { ...cur, status: { daemonEndpoints: { kubeletEndpoint: { Port: 10351 } } } }, { subresource: 'status' });
    h.client.reset();
    const fresh = new Date(clock - 2000).toISOString().replace(/\.\d+Z$/, 'Z');
    hub.push('a', edgeMsg('update', 'default/nodestatus/a', {
      UID: cur.metadata.uid,
      Status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2020-01-01T00:00:00Z' }, { type: 'DiskPressure', status: 'False', lastHeartbeatTime: fresh }], daemonEndpoints: { kubeletEndpoint: { Port: 10350 } }, nodeInfo: { kubeletVersion: 'v1.32.0-kedge' } },
      ExtendResources: null,
    }));
    await waitFor(() => h.client.peek(R.nodes, undefined, 'a')!.status.nodeInfo?.kubeletVersion === 'v1.32.0-kedge', 'status written');
    const st = h.client.peek(R.nodes, undefined, 'a')!.status;
    assert.equal(st.conditions[0].lastHeartbeatTime, '2026-03-01T12:00:00Z', 'stale heartbeat refreshed');
    assert.equal(st.conditions[1].lastHeartbeatTime, fresh, 'fresh heartbeat kept');
    assert.equal(st.daemonEndpoints.kubeletEndpoint.Port, 10351);
    assert.ok(h.client.writes().every((w) => w.subresource === 'status'));
    await new Promise((r) => setTimeout(r, 30));
    assert.ok(!hub.sent.some((s) => s.msg.header.parent_msg_id && s.msg.route.resource?.includes('nodestatus')), 'no reply without sync');
    const r = await hub.request('a', edgeMsg('update', 'default/nodestatus/a', { UID: cur.metadata.uid, Status: { conditions: [] } }, true));
    assert.equal(r.route.operation, 'response');
    assert.equal(r.content, 'OK');
    const wrongUid = await hub.request('a', edgeMsg('update', 'default/nodestatus/a', { UID: 'other', Status: {} }, true));
    assert.equal(wrongUid.route.operation, 'error');

    const p = await hub.request('a', edgeMsg('patch', 'default/nodepatch/a', JSON.stringify({ status: { phase: 'Running' } })));
    assert.equal(p.route.operation, 'response');
    assert.equal(h.client.peek(R.nodes, undefined, 'a')!.status.phase, 'Running');
  } finally {
    await stop();
  }
});

test('lease insert, update and query; MicroTime renewTime; another node\'s lease refused', async () => {
  const { h, hub, stop } = await setup();
  try {
    const none = await hub.request('a', edgeMsg('query', 'kube-node-lease/lease/a'));
    assert.equal(none.route.operation, 'error');
    assert.match(String(none.content), /not found/);
    const ins = await hub.request('a', edgeMsg('insert', 'kube-node-lease/lease/a', { metadata: { name: 'a', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 40, renewTime: '2026-03-01T12:00:00.123456789Z' } }));
    assert.equal(ins.route.operation, 'response');
    const l = h.client.peek(R.leases, 'kube-node-lease', 'a')!;
    assert.equal(l.spec.renewTime, '2026-03-01T12:00:00.123456Z');
    assert.equal(l.spec.holderIdentity, 'a');
    assert.deepEqual(l.metadata.ownerReferences!.map((o) => [o.kind, o.name, o.uid]), [['Node', 'a', h.client.peek(R.nodes, undefined, 'a')!.metadata.uid]]);
    const upd = await hub.request('a', edgeMsg('update', 'kube-node-lease/lease/a', { ...ins.content as object, spec: { holderIdentity: 'a', leaseDurationSeconds: 40, renewTime: '2026-03-01T12:00:10Z' } }));
    assert.equal((upd.content as any).spec.renewTime, '2026-03-01T12:00:10.000000Z');
    assert.equal(h.client.peek(R.leases, 'kube-node-lease', 'a')!.spec.renewTime, '2026-03-01T12:00:10.000000Z');
    const q = await hub.request('a', edgeMsg('query', 'kube-node-lease/lease/a'));
    assert.equal((q.content as any).spec.renewTime, '2026-03-01T12:00:10.000000Z');
    const other = await hub.request('b', edgeMsg('update', 'kube-node-lease/lease/a', { spec: {} }));
    assert.equal(other.route.operation, 'error');
    assert.equal(other.content, 'node "b" may not write lease kube-node-lease/a');
    assert.equal(toMicroTime('2026-03-01T12:00:00+02:00', 0), '2026-03-01T10:00:00.000000Z');
  } finally {
    await stop();
  }
});

test('podstatus of the node\'s own pod is applied (UID-checked); another node\'s pod is refused', async () => {
  const { h, hub, stop } = await setup();
  try {
    const pa = h.client.peek(R.pods, 'default', 'pa')!;
    const ok = await hub.request('a', edgeMsg('update', 'default/podstatus/pa', { UID: pa.metadata.uid, Name: 'pa', Status: { phase: 'Running', podIP: '10.0.0.5' } }, true));
    assert.equal(ok.route.operation, 'response');
    assert.equal(h.client.peek(R.pods, 'default', 'pa')!.status.phase, 'Running');
    const stale = await hub.request('a', edgeMsg('update', 'default/podstatus/pa', { UID: 'old-uid', Name: 'pa', Status: { phase: 'Failed' } }, true));
    assert.equal(stale.route.operation, 'error');
    assert.equal(h.client.peek(R.pods, 'default', 'pa')!.status.phase, 'Running');

    h.client.reset();
    const refused = await hub.request('a', edgeMsg('update', 'default/podstatus/pb', { UID: 'x', Name: 'pb', Status: { phase: 'Failed' } }));
    assert.equal(refused.route.operation, 'error');
    assert.equal(refused.content, 'node "a" may not update status of pod default/pb');
    const patch = await hub.request('b', edgeMsg('patch', 'default/podpatch/pa', JSON.stringify({ status: { phase: 'Failed' } })));
    assert.equal(patch.route.operation, 'error');
    assert.equal(h.client.writes().length, 0, 'refused requests write nothing');
  } finally {
    await stop();
  }
});

test('a node finishes deletion of its own pod (UID precondition); never another node\'s', async () => {
  const { h, hub, stop } = await setup();
  try {
    const pa = h.client.peek(R.pods, 'default', 'pa')!;
    const wrongUid = await hub.request('a', edgeMsg('delete', 'default/pod/pa', { preconditions: { uid: 'older-pod' } }, true));
    assert.equal(wrongUid.route.operation, 'error');
    assert.ok(h.client.peek(R.pods, 'default', 'pa'), 'a stale delete leaves the newer pod alone');

    const refused = await hub.request('b', edgeMsg('delete', 'default/pod/pa', { preconditions: { uid: pa.metadata.uid } }, true));
    assert.equal(refused.route.operation, 'error');
    assert.equal(refused.content, 'node "b" may not delete pod default/pa');
    assert.ok(h.client.peek(R.pods, 'default', 'pa'));

    const ok = await hub.request('a', edgeMsg('delete', 'default/pod/pa', { gracePeriodSeconds: 0, preconditions: { uid: pa.metadata.uid } }, true));
    assert.equal(ok.route.operation, 'response');
    assert.equal(h.client.peek(R.pods, 'default', 'pa'), undefined);
  } finally {
    await stop();
  }
});

test('configmap/secret queries are limited to what the node\'s pods reference; events about own objects only', async () => {
  const { h, hub, stop } = await setup();
  try {
    const s = await hub.request('a', edgeMsg('query', 'default/secret/a-secret'));
    assert.equal(s.route.operation, 'response');
    assert.equal((s.content as any).kind, 'Secret');
    assert.deepEqual((s.content as any).data, { x: 'eA==' });
    const c = await hub.request('a', edgeMsg('query', 'default/configmap/a-cfg'));
    assert.equal((c.content as any).data.x, 'y');
    const stolen = await hub.request('b', edgeMsg('query', 'default/secret/a-secret'));
    assert.equal(stolen.route.operation, 'error');
    assert.equal(stolen.content, 'node "b" may not read secret default/a-secret');

    const ev = (obj: object) => ({ metadata: { name: 'pa.1' }, involvedObject: obj, reason: 'Started', message: 'm', type: 'Normal' });
    await hub.request('a', edgeMsg('insert', 'default/event/pa.1', ev({ kind: 'Pod', namespace: 'default', name: 'pa' }), true));
    await waitFor(() => h.client.all(R.events).some((e) => e.metadata.name === 'pa.1'), 'event created');
    const bad = await hub.request('b', edgeMsg('insert', 'default/event/x', ev({ kind: 'Pod', namespace: 'default', name: 'pa' })));
    assert.equal(bad.route.operation, 'error');
  } finally {
    await stop();
  }
});

test('bad messages get an error reply and never throw; answers are never answered', async () => {
  const { hub, stop } = await setup();
  try {
    const unknown = await hub.request('a', edgeMsg('frobnicate', 'default/pod/pa'));
    assert.equal(unknown.route.operation, 'error');
    const garbage = await hub.request('a', edgeMsg('insert', 'default/node/a', 'not json {'));
    assert.equal(garbage.route.operation, 'error');
    const noName = await hub.request('a', edgeMsg('query', 'default'));
    assert.equal(noName.route.operation, 'error');
    hub.clear();
    hub.push('a', newMessage({ source: 'edged', group: 'resource', operation: 'response', resource: 'default/pod/pa', content: 'OK', parentId: 'x' }));
    hub.push('a', newMessage({ source: 'websocket', group: 'resource', operation: 'keepalive', resource: 'node', content: 'ping' }));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(hub.sent.length, 0);
  } finally {
    await stop();
  }
});
