import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '@kedge/api';
import { createInformerFactory, silentLogger } from '@kedge/core';
import { createFakeKube } from '@kedge/core/testing/index.js';
import { createSyncStore } from './object-sync.js';

async function setup() {
  const kube = createFakeKube();
  const log = silentLogger();
  const informers = createInformerFactory(kube, log);
  const syncs = createSyncStore({ client: kube, informers, log });
  const ac = new AbortController();
  const done = informers.start(ac.signal);
  await syncs.waitForSync();
  return { kube, syncs, stop: async () => { ac.abort(); await done; } };
}

const rec = (uid: string, rv: string, namespace: string | undefined = 'default') =>
  ({ node: 'n1', uid, namespace, apiVersion: 'v1', kind: 'ConfigMap', name: `cm-${uid}`, rv });

test('a burst of ACKs for one object coalesces into one create and one status write', async () => {
  const { kube, syncs, stop } = await setup();
  try {
    for (let rv = 1; rv <= 20; rv++) syncs.record(rec('u1', String(rv)));
    assert.equal(syncs.acked('n1', 'u1'), '20', 'visible to the queue at once');
    await syncs.flush();
    const writes = kube.writes().filter((a) => a.resource === 'objectsyncs.reliablesyncs.kubeedge.io');
    assert.deepEqual(writes.map((a) => `${a.verb}${a.subresource ? `/${a.subresource}` : ''}`), ['create', 'patch/status']);
    const obj = kube.peek(R.objectsyncs, 'default', 'n1.u1');
    assert.equal(obj?.status?.objectResourceVersion, '20');
    assert.deepEqual(obj?.spec, { objectAPIVersion: 'v1', objectKind: 'ConfigMap', objectName: 'cm-u1' });
  } finally {
    await stop();
  }
});

test('cluster-scoped objects use ClusterObjectSync; remove deletes; failed writes are retried', async () => {
  const { kube, syncs, stop } = await setup();
  try {
    let fail = 1;
    kube.prependReactor('create', 'clusterobjectsyncs.reliablesyncs.kubeedge.io', () => {
      if (fail-- > 0) throw new Error('injected');
      return undefined;
    });
    syncs.record(rec('node-uid', '3', 'null'));
    syncs.record(rec('u2', '4'));
    await syncs.flush();
    const c = kube.peek(R.clusterobjectsyncs, undefined, 'n1.node-uid');
    assert.equal(c?.status?.objectResourceVersion, '3');
    syncs.remove({ node: 'n1', uid: 'u2', namespace: 'default' });
    assert.equal(syncs.acked('n1', 'u2'), undefined);
    await syncs.flush();
    assert.equal(kube.peek(R.objectsyncs, 'default', 'n1.u2'), undefined);
  } finally {
    await stop();
  }
});

test('what the API already records is known after sync (hub restart)', async () => {
  const kube0 = createFakeKube();
  kube0.seed(R.objectsyncs, { metadata: { name: 'n1.u9', namespace: 'default' }, spec: {}, status: { objectResourceVersion: '77' } });
  const log = silentLogger();
  const informers = createInformerFactory(kube0, log);
  const syncs = createSyncStore({ client: kube0, informers, log });
  const ac = new AbortController();
  const done = informers.start(ac.signal);
  await syncs.waitForSync();
  assert.equal(syncs.acked('n1', 'u9'), '77');
  ac.abort();
  await done;
});
