import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R, type KubeObject } from '@kedge/api';
import { createHarness, waitFor } from '@kedge/core/testing/index.js';
import { createSyncController, parseSyncName } from './index.js';
import { FakeHub, edgeNode, podOn } from './test-helpers.js';

/** What CloudHub records when the edge acknowledges an object. */
const objectSync = (node: string, obj: KubeObject, kind: string, rv = obj.metadata.resourceVersion!): KubeObject => ({
  metadata: { name: `${node}.${obj.metadata.uid}`, namespace: obj.metadata.namespace },
  spec: { objectAPIVersion: 'v1', objectKind: kind, objectName: obj.metadata.name },
  status: { objectResourceVersion: rv },
});

test('parseSyncName splits at the last dot (node names may contain dots)', () => {
  assert.deepEqual(parseSyncName('edge.example.com.0b7c-11'), { node: 'edge.example.com', uid: '0b7c-11' });
  assert.equal(parseSyncName('nodot'), undefined);
});

test('sync controller: delete for objects removed while away, update for advanced RV, nothing for unchanged; GC of deleted nodes', async () => {
  const h = createHarness();
  const hub = new FakeHub();
  h.client.seed(R.nodes, edgeNode('e1'));
  h.client.seed(R.configmaps, { metadata: { name: 'same', namespace: 'default' }, data: {} }, { metadata: { name: 'moved', namespace: 'default' }, data: {} }, { metadata: { name: 'gone', namespace: 'default' }, data: {} });
  h.client.seed(R.pods, podOn('p', 'e1', { volumes: ['same', 'moved', 'gone'].map((n) => ({ name: n, configMap: { name: n } })) }));
  const get = (r: typeof R.pods, name: string) => h.client.peek(r, 'default', name)!;
  const pod = get(R.pods, 'p');
  const gone = get(R.configmaps, 'gone');
  const node = h.client.peek(R.nodes, undefined, 'e1')!;
  // The edge acknowledged all of these before it went away.
  h.client.seed(R.objectsyncs,
    objectSync('e1', pod, 'Pod'),
    objectSync('e1', get(R.configmaps, 'same'), 'ConfigMap'),
    objectSync('e1', get(R.configmaps, 'moved'), 'ConfigMap'),
    objectSync('e1', gone, 'ConfigMap'),
    objectSync('dead', pod, 'Pod'));
  h.client.seed(R.clusterobjectsyncs, { ...objectSync('e1', node, 'Node'), metadata: { name: `e1.${node.metadata.uid}` } });
  // While it was away: one ConfigMap changed, one was deleted.
  const moved = await h.client.update(R.configmaps, { ...get(R.configmaps, 'moved'), data: { k: 'new' } });
  await h.client.delete(R.configmaps, 'default', 'gone');

  const sc = createSyncController({ client: h.client, informers: h.informers, hub, log: h.log, periodMs: 40 });
  const stop = await h.run(sc);
  try {
    await waitFor(() => hub.resources('e1').length >= 2, 'corrections sent');
    await waitFor(() => !h.client.peek(R.objectsyncs, 'default', `dead.${pod.metadata.uid}`), 'sync of deleted node collected');
    await new Promise((r) => setTimeout(r, 150)); // several more periods
    const sent = hub.resources('e1').map((s) => `${s.msg.route.operation} ${s.msg.route.resource}`).sort();
    assert.deepEqual(sent, ['delete node/e1/default/configmap/gone', 'update node/e1/default/configmap/moved'], 'exactly once, nothing for unchanged objects');
    const upd = hub.resources('e1').find((s) => s.msg.route.operation === 'update')!.msg;
    assert.equal(upd.header.resourceversion, moved.metadata.resourceVersion);
    const del = hub.resources('e1').find((s) => s.msg.route.operation === 'delete')!.msg;
    assert.deepEqual((del.content as any).metadata, { name: 'gone', namespace: 'default', uid: gone.metadata.uid });
    assert.equal((del.content as any).kind, 'ConfigMap');
    assert.ok(!hub.sent.some((s) => s.node === 'dead'));
    assert.deepEqual([...hub.revoked], ['dead'], 'a node deleted while away is revoked, live nodes are not');

    // The hub records the ack; a later change is corrected again, and a reconnect re-checks at once.
    const s = h.client.peek(R.objectsyncs, 'default', `e1.${moved.metadata.uid}`)!;
    await h.client.update(R.objectsyncs, { ...s, status: { objectResourceVersion: moved.metadata.resourceVersion } });
    hub.clear();
    const p2 = await h.client.update(R.pods, { ...get(R.pods, 'p'), metadata: { ...get(R.pods, 'p').metadata, labels: { v: '2' } } });
    await waitFor(() => hub.resources('e1').some((x) => x.msg.route.resource === 'node/e1/default/pod/p' && x.msg.header.resourceversion === p2.metadata.resourceVersion), 'pod update');
    hub.clear();
    hub.connect('e1');
    await waitFor(() => hub.resources('e1').some((x) => x.msg.route.resource === 'node/e1/default/pod/p'), 'resent after reconnect (not yet acked)');
    assert.ok(!hub.resources('e1').some((x) => x.msg.route.resource === 'node/e1/default/configmap/moved'), 'acked object not resent');
  } finally {
    await stop();
  }
});

test('sync controller: a pod moved away from the node (recreated elsewhere, same name) is deleted by UID', async () => {
  const h = createHarness();
  const hub = new FakeHub();
  h.client.seed(R.nodes, edgeNode('e1'), edgeNode('e2'));
  h.client.seed(R.pods, podOn('p', 'e1'));
  const old = h.client.peek(R.pods, 'default', 'p')!;
  h.client.seed(R.objectsyncs, objectSync('e1', old, 'Pod'));
  await h.client.delete(R.pods, 'default', 'p');
  await h.client.create(R.pods, podOn('p', 'e2'));
  const sc = createSyncController({ client: h.client, informers: h.informers, hub, log: h.log, periodMs: 1000 });
  const stop = await h.run(sc);
  try {
    await waitFor(() => hub.resources('e1').length === 1, 'delete of the old pod');
    const m = hub.resources('e1')[0]!.msg;
    assert.equal(m.route.operation, 'delete');
    assert.equal((m.content as any).metadata.uid, old.metadata.uid);
    assert.equal(hub.resources('e2').length, 0, 'the sync controller only corrects what edges acknowledged');
  } finally {
    await stop();
  }
});
