import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R, isConflict, isNotFound, isAlreadyExists, type KubeObject } from '@kedge/api';
import { createFakeKube } from './fake-kube.js';

test('create/get/list with selectors, generateName, conflicts', async () => {
  const k = createFakeKube();
  const a = await k.create(R.pods, { metadata: { generateName: 'web-', namespace: 'ns', labels: { app: 'web' } }, spec: { nodeName: 'n1' } });
  assert.match(a.metadata.name!, /^web-[a-z0-9]{5}$/);
  assert.ok(a.metadata.uid && a.metadata.resourceVersion);
  await k.create(R.pods, { metadata: { name: 'db', namespace: 'ns', labels: { app: 'db' } } });
  await assert.rejects(k.create(R.pods, { metadata: { name: 'db', namespace: 'ns' } }), isAlreadyExists);
  assert.equal((await k.list(R.pods, 'ns', { labelSelector: 'app in (web)' })).items.length, 1);
  assert.equal((await k.list(R.pods, undefined, { labelSelector: 'app!=web' })).items[0]!.metadata.name, 'db');
  assert.equal((await k.list(R.pods, 'ns', { fieldSelector: 'spec.nodeName=n1' })).items.length, 1);
  assert.equal((await k.list(R.pods, 'other')).items.length, 0);
  const stale = structuredClone(a);
  await k.update(R.pods, { ...a, spec: { nodeName: 'n2' } });
  await assert.rejects(k.update(R.pods, stale), isConflict);
  await assert.rejects(k.get(R.pods, 'ns', 'nope'), isNotFound);
  assert.deepEqual(k.actions.map((x) => x.verb), ['create', 'create', 'create', 'list', 'list', 'list', 'list', 'update', 'update', 'get']);
});

test('status subresource, patches, binding', async () => {
  const k = createFakeKube();
  k.seed(R.pods, { metadata: { name: 'p', namespace: 'ns', labels: { a: '1' } }, spec: {} });
  await k.patch(R.pods, 'ns', 'p', 'merge', { metadata: { labels: { a: null, b: '2' } }, status: { phase: 'X' } });
  let p = k.peek(R.pods, 'ns', 'p')!;
  assert.deepEqual(p.metadata.labels, { b: '2' });
  await k.update(R.pods, { ...p, spec: { changed: true }, status: { phase: 'Running' } }, { subresource: 'status' });
  p = k.peek(R.pods, 'ns', 'p')!;
  assert.equal(p.status.phase, 'Running');
  assert.equal(p.spec.changed, undefined, 'status writes change only status');
  await k.patch(R.pods, 'ns', 'p', 'json', [{ op: 'add', path: '/metadata/labels/c', value: '3' }]);
  assert.equal(k.peek(R.pods, 'ns', 'p')!.metadata.labels!.c, '3');
  await k.create(R.pods, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', namespace: 'ns' }, target: { kind: 'Node', name: 'n1' } }, { subresource: 'binding' });
  p = k.peek(R.pods, 'ns', 'p')!;
  assert.equal(p.spec.nodeName, 'n1');
  assert.equal(p.status.conditions[0].type, 'PodScheduled');
  await assert.rejects(k.create(R.pods, { metadata: { name: 'p', namespace: 'ns' }, target: { name: 'n2' } }, { subresource: 'binding' }), isConflict);
  assert.deepEqual(k.writes().at(-1), { verb: 'create', resource: 'pods', namespace: 'ns', name: 'p', subresource: 'binding', object: { metadata: { name: 'p', namespace: 'ns' }, target: { name: 'n2' } } });
});

test('delete honours finalizers, propagation policies and preconditions', async () => {
  const k = createFakeKube();
  k.seed(R.configmaps, { metadata: { name: 'c', namespace: 'ns', finalizers: ['x'] } }, { metadata: { name: 'd', namespace: 'ns' } });
  await k.delete(R.configmaps, 'ns', 'c');
  const c = k.peek(R.configmaps, 'ns', 'c')!;
  assert.ok(c.metadata.deletionTimestamp);
  await k.update(R.configmaps, { ...c, metadata: { ...c.metadata, finalizers: [] } });
  assert.equal(k.peek(R.configmaps, 'ns', 'c'), undefined, 'emptying finalizers removes it');
  await assert.rejects(k.delete(R.configmaps, 'ns', 'd', { preconditions: { uid: 'other' } }), isConflict);
  await k.delete(R.configmaps, 'ns', 'd', { propagationPolicy: 'Foreground' });
  assert.deepEqual(k.peek(R.configmaps, 'ns', 'd')!.metadata.finalizers, ['foregroundDeletion']);
});

test('watch streams changes and stops on abort; discovery lists resources', async () => {
  const k = createFakeKube();
  k.seed(R.nodes, { metadata: { name: 'n0' } });
  const ac = new AbortController();
  const got: string[] = [];
  const done = (async () => {
    for await (const e of k.watch<KubeObject>(R.nodes, undefined, {}, ac.signal)) {
      got.push(`${e.type}:${e.object.metadata.name}`);
      if (got.length === 3) ac.abort();
    }
  })();
  await k.create(R.nodes, { metadata: { name: 'n1' } });
  await k.delete(R.nodes, undefined, 'n0');
  await done;
  assert.deepEqual(got, ['ADDED:n0', 'ADDED:n1', 'DELETED:n0']);
  const core = await k.raw<{ resources: Array<{ name: string }> }>('GET', '/api/v1');
  assert.ok(core.resources.some((r) => r.name === 'pods'));
  const groups = await k.raw<{ groups: Array<{ name: string }> }>('GET', '/apis');
  assert.ok(groups.groups.some((g) => g.name === 'apps'));
});
