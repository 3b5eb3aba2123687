import { after, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACK_OK, newMessage, Op, responseTo, errorTo, type KubeObject, type Message } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { openMetaStore, type MetaStore } from './meta-store.js';
import { createMetaManager, type MetaManager } from './meta-manager.js';
import { FakeEdgeLink } from './fake-edge-link.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-metamanager-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;

const pod = (name: string, rv: string, uid = `uid-${name}`): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid, resourceVersion: rv },
  spec: { nodeName: 'edge1' },
});

const down = (operation: string, resource: string, content: unknown): Message =>
  newMessage({ source: 'edgecontroller', group: 'resource', operation, resource, content });

describe('MetaManager', () => {
  let store: MetaStore;
  let link: FakeEdgeLink;
  let mm: MetaManager;
  beforeEach(() => {
    store?.close();
    store = openMetaStore({ path: path.join(dir, `db-${n++}.db`) });
    link = new FakeEdgeLink();
    mm = createMetaManager({ store, link, nodeName: 'edge1', log: silentLogger(), remoteQueryTimeoutMs: 200 });
  });
  after(() => store?.close());

  it('writes a downstream insert to the store before the ACK is sent, and notifies handlers', () => {
    const order: string[] = [];
    mm.onObject((op, type, obj) => order.push(`${op} ${type} ${obj.metadata.name}`));
    link.onSend = (m) => {
      // At the moment the ACK leaves, the object must already be readable from the cache.
      assert.equal(store.get('pod', 'default', 'nginx')?.metadata.resourceVersion, '3');
      order.push(`send ${m.route.operation}`);
    };
    const msg = down(Op.insert, 'default/pod/nginx', pod('nginx', '3'));
    link.deliver(msg);
    assert.deepEqual(order, ['insert pod nginx', 'send response']);
    assert.equal(link.sent.length, 1);
    const ack = link.sent[0]!;
    assert.equal(ack.header.parent_msg_id, msg.header.msg_id);
    assert.equal(ack.content, ACK_OK);
    assert.equal(ack.route.resource, 'default/pod/nginx');
  });

  it('applies update and delete; a delete with another uid keeps the pod', () => {
    link.deliver(down(Op.insert, 'default/pod/web', pod('web', '1')));
    link.deliver(down(Op.update, 'default/pod/web', { ...pod('web', '2'), spec: { nodeName: 'edge1', x: 1 } }));
    assert.equal(store.get('pod', 'default', 'web')?.spec.x, 1);
    link.deliver(down(Op.delete, 'default/pod/web', { metadata: { name: 'web', namespace: 'default', uid: 'someone-else' } }));
    assert.ok(store.get('pod', 'default', 'web'));
    link.deliver(down(Op.delete, 'default/pod/web', { metadata: { name: 'web', namespace: 'default', uid: 'uid-web' } }));
    assert.equal(store.get('pod', 'default', 'web'), undefined);
    assert.equal(link.sent.filter((m) => m.content === ACK_OK).length, 4, 'every applied message is ACKed');
  });

  it('stores unknown types generically and cluster-scoped nodes under null', () => {
    link.deliver(down(Op.insert, 'default/rule/r1', { metadata: { name: 'r1' }, spec: { a: 1 } }));
    assert.equal(store.get('rule', 'default', 'r1')?.spec.a, 1);
    link.deliver(down(Op.insert, 'null/node/edge1', { metadata: { name: 'edge1' } }));
    assert.equal(store.get('node', undefined, 'edge1')?.metadata.name, 'edge1');
  });

  it('answers malformed messages with an error and keeps going', () => {
    const bad1 = down(Op.insert, 'default/pod/x', 'not json');
    const bad2 = down(Op.insert, 'nonsense', { metadata: { name: 'x' } });
    const bad3 = down(Op.update, 'default/configmap/c', [1, 2]);
    for (const m of [bad1, bad2, bad3]) assert.doesNotThrow(() => link.deliver(m));
    assert.deepEqual(link.sent.map((m) => m.route.operation), [Op.error, Op.error, Op.error]);
    assert.deepEqual(link.sent.map((m) => m.header.parent_msg_id), [bad1, bad2, bad3].map((m) => m.header.msg_id));
    link.deliver(down(Op.insert, 'default/pod/ok', pod('ok', '1')));
    assert.equal(link.sent.at(-1)?.content, ACK_OK);
  });

  it('queries configmaps remotely when connected and caches the answer', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default', resourceVersion: '9' }, data: { k: 'remote' } };
    link.answer = (req) => responseTo(req, cm, 'edgecontroller');
    const got = await mm.query('configmap', 'default', 'cfg');
    assert.equal(got?.data.k, 'remote');
    const req = link.requests[0]!;
    assert.deepEqual(
      { source: req.route.source, group: req.route.group, operation: req.route.operation, resource: req.route.resource },
      { source: 'edged', group: 'meta', operation: 'query', resource: 'default/configmap/cfg' },
    );
    assert.equal(store.get('configmap', 'default', 'cfg')?.data.k, 'remote', 'the answer is cached');
  });

  it('answers from the cache when offline, on remote errors and on timeouts', async () => {
    store.put({ metadata: { name: 's', namespace: 'default', resourceVersion: '4' }, data: { k: 'Y2FjaGU=' } }, 'secret');
    link.connected = false;
    assert.equal((await mm.query('secret', 'default', 's'))?.data.k, 'Y2FjaGU=');
    assert.equal(link.requests.length, 0);

    link.connected = true;
    link.answer = (req) => errorTo(req, 'boom');
    assert.equal((await mm.query('secret', 'default', 's'))?.metadata.name, 's');

    link.answer = undefined; // never answers: times out after remoteQueryTimeoutMs
    const t0 = Date.now();
    assert.equal((await mm.query('secret', 'default', 's'))?.metadata.name, 's');
    assert.ok(Date.now() - t0 >= 150);
    assert.equal(await mm.query('secret', 'default', 'absent'), undefined);
  });

  it('answers pods from the cache even when connected', async () => {
    store.put(pod('local', '1'), 'pod');
    link.answer = () => assert.fail('pods are not queried remotely');
    assert.equal((await mm.query('pod', 'default', 'local'))?.metadata.uid, 'uid-local');
  });

  it('start resolves on abort and later messages are ignored', async () => {
    const ac = new AbortController();
    const done = mm.start(ac.signal);
    ac.abort();
    await done;
    link.deliver(down(Op.insert, 'default/pod/late', pod('late', '1')));
    assert.equal(store.get('pod', 'default', 'late'), undefined);
    assert.equal(link.sent.length, 0);
  });
});
