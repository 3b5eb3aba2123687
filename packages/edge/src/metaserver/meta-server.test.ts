import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { newMessage, R, type KubeObject } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { openMetaStore, type MetaStore } from '../metamanager/meta-store.js';
import { createMetaManager } from '../metamanager/meta-manager.js';
import { FakeEdgeLink } from '../metamanager/fake-edge-link.js';
import { createMetaServer, OFFLINE_WRITE_MESSAGE, UNSUPPORTED_WRITE_MESSAGE } from './meta-server.js';
import { metaServerModule } from './listen.js';

const pod = (name: string, ns: string, labels: Record<string, string>, phase = 'Pending'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, uid: `uid-${name}`, resourceVersion: '100', labels },
  spec: { nodeName: 'edge1' },
  status: { phase },
});

interface Watcher {
  events: { type: string; object: KubeObject }[];
  /** Resolves once `n` events have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  ended: Promise<void>;
  close(): void;
}

function watch(base: string, pathAndQuery: string): Promise<Watcher> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${pathAndQuery}`, (res) => {
      assert.equal(res.statusCode, 200);
      const events: Watcher['events'] = [];
      let buf = '';
      let waiters: (() => void)[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
        }
        waiters.forEach((w) => w());
      });
      const ended = new Promise<void>((r) => res.on('end', () => r()));
      resolve({
        events,
        ended,
        close: () => req.destroy(),
        waitFor: (n, timeoutMs = 3000) =>
          new Promise((ok, fail) => {
            const check = () => {
              if (events.length >= n) {
                clearTimeout(t);
                waiters = waiters.filter((w) => w !== check);
                ok();
              }
            };
            const t = setTimeout(() => fail(new Error(`timed out waiting for ${n} events, got ${JSON.stringify(events.map((e) => e.type))}`)), timeoutMs);
            waiters.push(check);
            check();
          }),
      });
    });
    req.on('error', reject);
  });
}

describe('MetaServer over HTTP', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-metaserver-'));
  const ac = new AbortController();
  let store: MetaStore;
  let link: FakeEdgeLink;
  let base = '';
  let running: Promise<void>;

  before(async () => {
    store = openMetaStore({ path: path.join(dir, 'edgecore.db') });
    link = new FakeEdgeLink();
    store.put(pod('web-1', 'default', { app: 'web' }, 'Running'), 'pod');
    store.put(pod('web-2', 'default', { app: 'web' }), 'pod');
    store.put(pod('db-1', 'prod', { app: 'db' }, 'Running'), 'pod');
    store.put({ metadata: { name: 'cfg', namespace: 'default', resourceVersion: '5' }, data: { a: '1' } }, 'configmap');
    store.put({ metadata: { name: 'edge1', labels: { 'node-role.kubernetes.io/edge': '' } } }, 'node');
    const server = createMetaServer({ store, link, log: silentLogger(), nodeName: 'edge1' });
    const listening = new Promise<number>((r) => {
      running = metaServerModule({ server, log: silentLogger(), port: 0, onListening: (a) => r(a.port) }).start(ac.signal);
    });
    base = `http://127.0.0.1:${await listening}`;
  });

  after(async () => {
    ac.abort();
    await running;
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const get = async (p: string, init?: RequestInit) => {
    const r = await fetch(`${base}${p}`, init);
    return { status: r.status, body: (await r.json()) as any };
  };

  it('serves version and discovery', async () => {
    assert.equal((await get('/version')).body.minor, '32');
    assert.deepEqual((await get('/api')).body.versions, ['v1']);
    const groups = (await get('/apis')).body.groups.map((g: { name: string }) => g.name);
    assert.ok(groups.includes('devices.kubeedge.io'));
    const core = (await get('/api/v1')).body;
    assert.equal(core.kind, 'APIResourceList');
    assert.ok(core.resources.some((r: { name: string; namespaced: boolean }) => r.name === 'pods' && r.namespaced));
    const dev = (await get('/apis/devices.kubeedge.io/v1beta1')).body;
    assert.deepEqual(dev.resources.map((r: { name: string }) => r.name).sort(), ['devicemodels', 'devices']);
    assert.equal((await get('/apis/apps/v1')).status, 404);
  });

  it('gets one object with kind filled and a local resourceVersion', async () => {
    const { status, body } = await get('/api/v1/namespaces/default/configmaps/cfg');
    assert.equal(status, 200);
    assert.equal(body.kind, 'ConfigMap');
    assert.equal(body.apiVersion, 'v1');
    assert.equal(body.data.a, '1');
    assert.equal(body.metadata.resourceVersion, String(store.getEntry(R.configmaps, 'default', 'cfg')!.revision));
    assert.notEqual(body.metadata.resourceVersion, '5', 'the cloud resourceVersion is replaced by the local revision');
    const node = await get('/api/v1/nodes/edge1');
    assert.equal(node.body.kind, 'Node');
  });

  it('answers 404 Status with the upstream wording', async () => {
    const { status, body } = await get('/api/v1/namespaces/default/pods/nope');
    assert.equal(status, 404);
    assert.deepEqual({ kind: body.kind, reason: body.reason, message: body.message, code: body.code }, { kind: 'Status', reason: 'NotFound', message: 'pods "nope" not found', code: 404 });
    const dev = await get('/apis/devices.kubeedge.io/v1beta1/namespaces/default/devices/d');
    assert.equal(dev.body.message, 'devices.devices.kubeedge.io "d" not found');
    assert.equal((await get('/api/v1/namespaces/default/widgets')).body.message, 'the server could not find the requested resource');
  });

  it('lists namespaced and across namespaces, with selectors', async () => {
    const all = (await get('/api/v1/pods')).body;
    assert.equal(all.kind, 'PodList');
    assert.equal(all.metadata.resourceVersion, String(store.revision()));
    assert.deepEqual(all.items.map((p: KubeObject) => p.metadata.name).sort(), ['db-1', 'web-1', 'web-2']);
    const ns = (await get('/api/v1/namespaces/prod/pods')).body;
    assert.deepEqual(ns.items.map((p: KubeObject) => p.metadata.name), ['db-1']);
    const byLabel = (await get('/api/v1/pods?labelSelector=app%3Dweb')).body;
    assert.deepEqual(byLabel.items.map((p: KubeObject) => p.metadata.name).sort(), ['web-1', 'web-2']);
    const byField = (await get('/api/v1/namespaces/default/pods?fieldSelector=status.phase%3DRunning')).body;
    assert.deepEqual(byField.items.map((p: KubeObject) => p.metadata.name), ['web-1']);
    const empty = (await get('/api/v1/namespaces/none/secrets')).body;
    assert.deepEqual(empty.items, []);
  });

  it('rejects bad selectors with 400', async () => {
    const bad = await get('/api/v1/pods?fieldSelector=spec.bogus%3Dx');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.reason, 'BadRequest');
    assert.equal((await get('/api/v1/pods?labelSelector=a%20in%20(')).status, 400);
    const badPath = await get('/api/v1/namespaces/%ZZ/pods');
    assert.deepEqual([badPath.status, badPath.body.reason], [400, 'BadRequest']);
  });

  it('refuses writes with 503 Status, worded for offline and online', async () => {
    link.connected = false;
    const body = JSON.stringify(pod('new', 'default', {}));
    const off = await get('/api/v1/namespaces/default/pods', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    assert.equal(off.status, 503);
    assert.deepEqual({ reason: off.body.reason, message: off.body.message, kind: off.body.kind }, { reason: 'ServiceUnavailable', message: OFFLINE_WRITE_MESSAGE, kind: 'Status' });
    assert.equal((await get('/api/v1/namespaces/default/pods/web-1', { method: 'DELETE' })).status, 503);
    link.connected = true;
    const on = await get('/api/v1/namespaces/default/configmaps/cfg', { method: 'PUT', body: '{}' });
    assert.equal(on.status, 503);
    assert.equal(on.body.message, UNSUPPORTED_WRITE_MESSAGE);
    assert.equal(store.get('pod', 'default', 'new'), undefined);
  });

  it('watch streams an insert made through the MetaManager', async () => {
    createMetaManager({ store, link, nodeName: 'edge1', log: silentLogger() });
    const w = await watch(base, '/api/v1/namespaces/default/pods?watch=true&labelSelector=app%3Dweb');
    try {
      await w.waitFor(2); // synthetic ADDEDs for web-1, web-2
      link.deliver(newMessage({ source: 'edgecontroller', group: 'resource', operation: 'insert', resource: 'default/pod/web-3', content: pod('web-3', 'default', { app: 'web' }) }));
      link.deliver(newMessage({ source: 'edgecontroller', group: 'resource', operation: 'insert', resource: 'prod/pod/web-9', content: pod('web-9', 'prod', { app: 'web' }) }));
      // Relabelled so it stops matching: upstream sends that as DELETED.
      link.deliver(newMessage({ source: 'edgecontroller', group: 'resource', operation: 'update', resource: 'default/pod/web-2', content: { ...pod('web-2', 'default', { app: 'other' }), metadata: { ...pod('web-2', 'default', { app: 'other' }).metadata, resourceVersion: '101' } } }));
      await w.waitFor(4);
      assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED web-1', 'ADDED web-2', 'ADDED web-3', 'DELETED web-2']);
      assert.equal(w.events[2]!.object.kind, 'Pod');
      assert.equal(w.events[3]!.object.metadata.resourceVersion, String(store.revision()));
    } finally {
      w.close();
    }
  });

  it('watch resumes from a listed resourceVersion and honours timeoutSeconds', async () => {
    const rv = (await get('/api/v1/namespaces/prod/pods')).body.metadata.resourceVersion;
    store.put({ ...pod('db-2', 'prod', { app: 'db' }), metadata: { ...pod('db-2', 'prod', {}).metadata, resourceVersion: '200' } }, 'pod');
    const w = await watch(base, `/api/v1/namespaces/prod/pods?watch=1&resourceVersion=${rv}&timeoutSeconds=1`);
    await w.waitFor(1);
    assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED db-2'], 'only what happened after rv');
    await Promise.race([w.ended, new Promise((_, rej) => setTimeout(() => rej(new Error('watch did not time out')), 3000))]);
  });
});
