import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, Watch, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { startKedgeServer, waitFor, type KedgeServer } from './harness/index.js';

let server: KedgeServer;
let kc: KubeConfig;
let core: CoreV1Api;

before(async () => {
  server = await startKedgeServer({ extraArgs: ['--log-level', 'warn'] });
  kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
});
after(async () => {
  const code = await server?.stop();
  assert.equal(code, 0, server?.stderrTail());
});

const status = (err: unknown) => (err as { code?: number }).code;

test('CoreV1Api lists namespaces; AppsV1Api lists deployments', { timeout: 20_000 }, async () => {
  const ns = await core.listNamespace();
  const names = ns.items.map((n) => n.metadata?.name);
  for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.ok(names.includes(n), `${n} in ${names.join(',')}`);
  assert.match(ns.metadata?.resourceVersion ?? '', /^\d+$/);
  const apps = kc.makeApiClient(AppsV1Api);
  const deps = await apps.listNamespacedDeployment({ namespace: 'default' });
  assert.deepEqual(deps.items, []);
});

test('configmap create, JSON patch (the client default), delete; NotFound afterwards', { timeout: 20_000 }, async () => {
  const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cn-1' }, data: { a: '1' } } });
  assert.equal(created.metadata?.name, 'cn-1');
  assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
  const patched = await core.patchNamespacedConfigMap({ name: 'cn-1', namespace: 'default', body: [{ op: 'add', path: '/data/b', value: '2' }, { op: 'replace', path: '/data/a', value: 'one' }] });
  assert.deepEqual(patched.data, { a: 'one', b: '2' });
  assert.ok(Number(patched.metadata?.resourceVersion) > Number(created.metadata?.resourceVersion));
  await core.deleteNamespacedConfigMap({ name: 'cn-1', namespace: 'default' });
  await assert.rejects(core.readNamespacedConfigMap({ name: 'cn-1', namespace: 'default' }), (err) => status(err) === 404);
  await assert.rejects(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Bad_Name' } } }), (err) => status(err) === 422);
});

test('Watch sees ADDED, MODIFIED and DELETED', { timeout: 20_000 }, async (t) => {
  const seen: string[] = [];
  const list = await core.listNamespacedConfigMap({ namespace: 'default' });
  const ctl = await new Watch(kc).watch('/api/v1/namespaces/default/configmaps', { resourceVersion: list.metadata?.resourceVersion }, (phase, obj: V1ConfigMap) => {
    if (obj.metadata?.name === 'cn-w') seen.push(`${phase}:${obj.data?.v}`);
  }, () => {});
  t.after(() => ctl.abort());
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cn-w' }, data: { v: '1' } } });
  await core.replaceNamespacedConfigMap({ name: 'cn-w', namespace: 'default', body: { metadata: { name: 'cn-w' }, data: { v: '2' } } });
  await core.deleteNamespacedConfigMap({ name: 'cn-w', namespace: 'default' });
  await waitFor(() => seen.length >= 3, { timeoutMs: 10_000, message: 'three watch events' });
  assert.deepEqual(seen, ['ADDED:1', 'MODIFIED:2', 'DELETED:2']);
});

test('an informer (makeInformer) sees add, update and delete and keeps its cache', { timeout: 30_000 }, async (t) => {
  const informer = makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }), 'e2e=informer');
  const seen: string[] = [];
  informer.on('add', (o) => seen.push(`add:${o.metadata?.name}`));
  informer.on('update', (o) => seen.push(`update:${o.metadata?.name}:${o.data?.v}`));
  informer.on('delete', (o) => seen.push(`delete:${o.metadata?.name}`));
  informer.on('error', (err) => seen.push(`error:${String(err)}`));
  await informer.start();
  t.after(() => informer.stop());
  const body = (v: string) => ({ metadata: { name: 'cn-inf', labels: { e2e: 'informer' } }, data: { v } });
  await core.createNamespacedConfigMap({ namespace: 'default', body: body('1') });
  await waitFor(() => informer.get('cn-inf', 'default'), { timeoutMs: 10_000, message: 'informer cache has cn-inf' });
  await core.replaceNamespacedConfigMap({ name: 'cn-inf', namespace: 'default', body: body('2') });
  await waitFor(() => informer.get('cn-inf', 'default')?.data?.v === '2', { timeoutMs: 10_000, message: 'informer cache updated' });
  await core.deleteNamespacedConfigMap({ name: 'cn-inf', namespace: 'default' });
  await waitFor(() => seen.includes('delete:cn-inf'), { timeoutMs: 10_000, message: 'informer delete' });
  assert.deepEqual(seen, ['add:cn-inf', 'update:cn-inf:2', 'delete:cn-inf']);
  assert.equal(informer.get('cn-inf', 'default'), undefined);
  assert.equal(informer.list('default').length, 0);
});

test('CustomObjectsApi creates, lists, patches and deletes a KubeEdge Device', { timeout: 20_000 }, async () => {
  const co = kc.makeApiClient(CustomObjectsApi);
  const ref = { group: 'devices.kubeedge.io', version: 'v1beta1', namespace: 'default', plural: 'devices' };
  const body = { apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'Device', metadata: { name: 'cn-dev' }, spec: { deviceModelRef: { name: 'm' }, nodeName: 'edge-x', protocol: { protocolName: 'modbus' } } };
  const created = await co.createNamespacedCustomObject({ ...ref, body });
  assert.equal(created.metadata.generation, 1);
  const list = await co.listNamespacedCustomObject(ref);
  assert.deepEqual(list.items.map((d: any) => d.metadata.name), ['cn-dev']);
  const patched = await co.patchNamespacedCustomObject({ ...ref, name: 'cn-dev', body: [{ op: 'replace', path: '/spec/nodeName', value: 'edge-y' }] });
  assert.equal(patched.spec.nodeName, 'edge-y');
  assert.equal(patched.metadata.generation, 2);
  // v1beta1 Device has no status subresource: status goes through the main resource.
  const withStatus = await co.replaceNamespacedCustomObject({ ...ref, name: 'cn-dev', body: { ...patched, status: { state: 'online' } } });
  assert.equal(withStatus.status.state, 'online');
  await co.deleteNamespacedCustomObject({ ...ref, name: 'cn-dev' });
  await assert.rejects(co.getNamespacedCustomObject({ ...ref, name: 'cn-dev' }), (err) => status(err) === 404);
});
