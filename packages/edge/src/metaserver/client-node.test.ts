import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig, CoreV1Api } from '@kubernetes/client-node';
import { silentLogger } from '@kedge/core';
import { openMetaStore, type MetaStore } from '../metamanager/meta-store.js';
import { FakeEdgeLink } from '../metamanager/fake-edge-link.js';
import { createMetaServer, type MetaServer } from './meta-server.js';

// An edge app's view: the official JavaScript client pointed at the MetaServer, with the cloud offline.
describe('MetaServer with @kubernetes/client-node', () => {
  let store: MetaStore;
  let server: MetaServer;
  let srv: http.Server;
  let api: CoreV1Api;

  before(async () => {
    store = openMetaStore({ path: ':memory:' });
    store.put({ metadata: { name: 'app-1', namespace: 'default', uid: 'u1', resourceVersion: '3', labels: { app: 'demo' } }, spec: { nodeName: 'edge1', containers: [{ name: 'c', image: 'busybox' }] } }, 'pod');
    store.put({ metadata: { name: 'other', namespace: 'default', uid: 'u2', resourceVersion: '4' }, spec: { nodeName: 'edge1', containers: [{ name: 'c', image: 'nginx' }] } }, 'pod');
    const link = new FakeEdgeLink();
    link.connected = false;
    server = createMetaServer({ store, link, log: silentLogger(), nodeName: 'edge1' });
    srv = http.createServer((req, res) => server.handleRequest(req, res));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser(
      { name: 'edge', server: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, skipTLSVerify: true },
      { name: 'app' },
    );
    api = kc.makeApiClient(CoreV1Api);
  });

  after(async () => {
    server.close();
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
    store.close();
  });

  it('lists pods with a label selector', async () => {
    const list = await api.listNamespacedPod({ namespace: 'default', labelSelector: 'app=demo' });
    assert.deepEqual(list.items.map((p) => p.metadata?.name), ['app-1']);
    assert.equal(list.items[0]!.spec?.containers[0]?.image, 'busybox');
    assert.equal(list.metadata?.resourceVersion, String(store.revision()));
  });

  it('reads one pod and surfaces a 404 for a missing one', async () => {
    assert.equal((await api.readNamespacedPod({ namespace: 'default', name: 'other' })).metadata?.uid, 'u2');
    await assert.rejects(api.readNamespacedPod({ namespace: 'default', name: 'ghost' }), (err: { code?: number }) => err.code === 404);
  });

  it('gets a 503 for a write while offline', async () => {
    await assert.rejects(
      api.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'x' } } }),
      (err: { code?: number; body?: string }) => err.code === 503 && String(err.body).includes('disconnected from the cloud'),
    );
  });
});
