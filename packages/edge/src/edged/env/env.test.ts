import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError, type KubeObject } from '@kedge/api';
import { expand, resolveEnv, type ObjectGetter } from './index.js';

function memStore(objs: { kind: string; obj: KubeObject }[]): ObjectGetter {
  return { get: (t, ns, n) => objs.find((o) => o.kind === t && o.obj.metadata.namespace === ns && o.obj.metadata.name === n)?.obj };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const store = memStore([
  { kind: 'configmap', obj: { metadata: { name: 'cfg', namespace: 'ns1' }, data: { MODE: 'fast', 'bad=key': 'x', LEVEL: '3' } } },
  { kind: 'secret', obj: { metadata: { name: 'sec', namespace: 'ns1' }, data: { PASSWORD: b64('s3cret'), TOKEN: b64('t') } } },
]);
const node = { name: 'edge-1', hostIP: '10.0.0.5', allocatable: { cpu: '4', memory: '8Gi' } };
const pod: KubeObject = {
  metadata: { name: 'web-1', namespace: 'ns1', uid: 'u-1', labels: { app: 'web' }, annotations: { 'a.b/c': 'ann' } },
  spec: { nodeName: 'edge-1', serviceAccountName: 'sa1', containers: [] },
  status: { podIP: '172.16.0.9', podIPs: [{ ip: '172.16.0.9' }, { ip: 'fd00::9' }] },
};
const asObj = (env: { name: string; value: string }[]) => Object.fromEntries(env.map((e) => [e.name, e.value]));
const rejects = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => isApiError(e) && e.reason === 'NotFound' && re.test(e.message));

test('expand follows kubelet rules', () => {
  const look = (n: string) => ({ A: 'x', B: 'y' } as Record<string, string>)[n];
  assert.equal(expand('$(A)-$(B)', look), 'x-y');
  assert.equal(expand('$$(A)', look), '$(A)');
  assert.equal(expand('$(MISSING)', look), '$(MISSING)');
  assert.equal(expand('a$b', look), 'a$b');
  assert.equal(expand('tail$', look), 'tail$');
  assert.equal(expand('open $(A', look), 'open $(A');
  assert.equal(expand('$$$$', look), '$$');
  assert.equal(expand('$()', look), '$()');
});

test('plain values expand against earlier vars only, later definitions replace in place', () => {
  const env = resolveEnv(pod, { name: 'c', env: [
    { name: 'A', value: 'one' },
    { name: 'B', value: '$(A)-$(C)' },
    { name: 'C', value: 'three' },
    { name: 'D', value: '$$(A)' },
    { name: 'A', value: 'uno' },
  ] }, store, node);
  assert.deepEqual(env, [
    { name: 'A', value: 'uno' }, { name: 'B', value: 'one-$(C)' }, { name: 'C', value: 'three' }, { name: 'D', value: '$(A)' },
  ]);
});

test('configMapKeyRef and secretKeyRef, with optional and missing cases', () => {
  const env = resolveEnv(pod, { name: 'c', env: [
    { name: 'M', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'MODE' } } },
    { name: 'P', valueFrom: { secretKeyRef: { name: 'sec', key: 'PASSWORD' } } },
    { name: 'O1', valueFrom: { configMapKeyRef: { name: 'nope', key: 'X', optional: true } } },
    { name: 'O2', valueFrom: { secretKeyRef: { name: 'sec', key: 'NOKEY', optional: true } } },
    { name: 'E', value: '$(P)' },
  ] }, store, node);
  assert.deepEqual(asObj(env), { M: 'fast', P: 's3cret', E: 's3cret' });
  rejects(() => resolveEnv(pod, { name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'K' } } }] }, store, node), /configmap "nope" not found in namespace "ns1"/);
  rejects(() => resolveEnv(pod, { name: 'c', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'sec', key: 'K' } } }] }, store, node), /couldn't find key K in Secret ns1\/sec/);
  rejects(() => resolveEnv(pod, { name: 'c', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'other', key: 'K' } } }] }, store, node), /secret "other" not found/);
});

test('fieldRef reads pod metadata, spec and status', () => {
  const paths = ['metadata.name', 'metadata.namespace', 'metadata.uid', "metadata.labels['app']", "metadata.annotations['a.b/c']",
    "metadata.labels['none']", 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.podIP', 'status.podIPs'];
  const env = resolveEnv(pod, { name: 'c', env: paths.map((p, i) => ({ name: `F${i}`, valueFrom: { fieldRef: { fieldPath: p } } })) }, store, node);
  assert.deepEqual(env.map((e) => e.value), ['web-1', 'ns1', 'u-1', 'web', 'ann', '', 'edge-1', 'sa1', '10.0.0.5', '172.16.0.9', '172.16.0.9,fd00::9']);
  const fromSandbox = resolveEnv(pod, { name: 'c', env: [{ name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] }, store, node, { podIPs: ['192.168.1.2'] });
  assert.equal(fromSandbox[0]!.value, '192.168.1.2');
  assert.throws(() => resolveEnv(pod, { name: 'c', env: [{ name: 'L', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } }] }, store, node), /unsupported fieldRef/);
});

test('resourceFieldRef with divisors and the node allocatable fallback', () => {
  const c = { name: 'c', resources: { limits: { cpu: '250m', memory: '64Mi' }, requests: { cpu: '100m' } }, env: [
    { name: 'CPU_LIM', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
    { name: 'CPU_LIM_M', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
    { name: 'CPU_REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
    { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
    { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
    { name: 'MEM_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
  ] };
  assert.deepEqual(asObj(resolveEnv(pod, c, store, node)), { CPU_LIM: '1', CPU_LIM_M: '250', CPU_REQ_M: '100', MEM: String(64 * 2 ** 20), MEM_MI: '64', MEM_REQ: '0' });
  const bare = { name: 'c', env: [
    { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
    { name: 'MEM_GI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Gi' } } },
  ] };
  assert.deepEqual(asObj(resolveEnv(pod, bare, store, node)), { CPU: '4', MEM_GI: '8' });
  const other = { ...pod, spec: { ...pod.spec, containers: [{ name: 'side', resources: { limits: { memory: '1Gi' } } }] } };
  const env = resolveEnv(other, { name: 'c', env: [{ name: 'S', valueFrom: { resourceFieldRef: { containerName: 'side', resource: 'limits.memory', divisor: '1Mi' } } }] }, store, node);
  assert.equal(env[0]!.value, '1024');
});

test('envFrom with prefixes, invalid keys skipped, env overrides, optional and missing refs', () => {
  const env = resolveEnv(pod, { name: 'c',
    envFrom: [{ configMapRef: { name: 'cfg' } }, { prefix: 'S_', secretRef: { name: 'sec' } }, { configMapRef: { name: 'gone', optional: true } }],
    env: [{ name: 'LEVEL', value: 'lvl=$(LEVEL),mode=$(MODE)' }],
  }, store, node);
  assert.deepEqual(asObj(env), { MODE: 'fast', LEVEL: 'lvl=3,mode=fast', S_PASSWORD: 's3cret', S_TOKEN: 't' });
  assert.equal(env[1]!.name, 'LEVEL');
  rejects(() => resolveEnv(pod, { name: 'c', envFrom: [{ secretRef: { name: 'gone' } }] }, store, node), /secret "gone" not found/);
});
