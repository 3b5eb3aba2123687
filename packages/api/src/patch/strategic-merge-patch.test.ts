import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JSONSchema, SchemaComponents } from '../schema/types.js';
import { isApiError } from '../errors.js';
import { strategicMergePatch } from './strategic-merge-patch.js';

// A trimmed copy of the upstream apps/v1 + core/v1 patch metadata, enough to exercise every rule.
const ref = (name: string): JSONSchema => ({ allOf: [{ $ref: `#/components/schemas/${name}` }] });
const mergeList = (item: string, key: string, strategy = 'merge'): JSONSchema => ({
  type: 'array', items: ref(item), 'x-kubernetes-patch-merge-key': key, 'x-kubernetes-patch-strategy': strategy,
});
const components: SchemaComponents = {
  ObjectMeta: {
    type: 'object',
    properties: {
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      annotations: { type: 'object', additionalProperties: { type: 'string' } },
      finalizers: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' },
      ownerReferences: mergeList('OwnerReference', 'uid'),
    },
  },
  OwnerReference: { type: 'object', properties: { uid: { type: 'string' }, name: { type: 'string' } } },
  Deployment: {
    type: 'object',
    properties: { metadata: ref('ObjectMeta'), spec: ref('DeploymentSpec'), status: ref('DeploymentStatus') },
  },
  DeploymentSpec: {
    type: 'object',
    properties: {
      replicas: { type: 'integer' },
      strategy: { ...ref('DeploymentStrategy'), 'x-kubernetes-patch-strategy': 'retainKeys' },
      template: ref('PodTemplateSpec'),
    },
  },
  DeploymentStrategy: { type: 'object', properties: { type: { type: 'string' }, rollingUpdate: { type: 'object' } } },
  DeploymentStatus: { type: 'object', properties: { conditions: mergeList('Condition', 'type') } },
  Condition: { type: 'object', properties: { type: { type: 'string' }, status: { type: 'string' }, reason: { type: 'string' } } },
  PodTemplateSpec: { type: 'object', properties: { metadata: ref('ObjectMeta'), spec: ref('PodSpec') } },
  PodSpec: {
    type: 'object',
    properties: {
      containers: mergeList('Container', 'name'),
      initContainers: mergeList('Container', 'name'),
      volumes: mergeList('Volume', 'name', 'merge,retainKeys'),
      tolerations: { type: 'array', items: { type: 'object' } },
      nodeSelector: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
  Container: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      image: { type: 'string' },
      args: { type: 'array', items: { type: 'string' } },
      ports: mergeList('ContainerPort', 'containerPort'),
      env: mergeList('EnvVar', 'name'),
      volumeMounts: mergeList('VolumeMount', 'mountPath'),
      resources: { type: 'object', properties: { limits: { type: 'object', additionalProperties: { type: 'string' } } } },
    },
  },
  ContainerPort: { type: 'object', properties: { containerPort: { type: 'integer' }, protocol: { type: 'string' } } },
  EnvVar: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' } } },
  VolumeMount: { type: 'object', properties: { mountPath: { type: 'string' }, name: { type: 'string' } } },
  Volume: { type: 'object', properties: { name: { type: 'string' }, emptyDir: { type: 'object' }, configMap: { type: 'object' } } },
};
const schema: JSONSchema = { $ref: '#/components/schemas/Deployment' };
const smp = (orig: unknown, patch: unknown) => strategicMergePatch(orig, patch, schema, components);
const pod = (spec: unknown) => ({ spec: { template: { spec } } });
const containersOf = (v: unknown) => (v as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } }).spec.template.spec.containers;

function noDirectives(v: unknown, path = ''): void {
  if (Array.isArray(v)) v.forEach((x, i) => noDirectives(x, `${path}[${i}]`));
  else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      assert.ok(!k.startsWith('$'), `directive ${k} leaked at ${path}`);
      noDirectives(x, `${path}.${k}`);
    }
  }
}

const badRequest = (e: unknown): boolean => {
  assert.ok(isApiError(e), String(e));
  assert.equal(e.reason, 'BadRequest');
  return true;
};

const nginx = {
  name: 'nginx', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log',
  ports: [{ containerPort: 80, protocol: 'TCP' }],
  env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
  volumeMounts: [{ mountPath: '/data', name: 'data' }, { mountPath: '/cfg', name: 'cfg' }],
};

test('kubectl apply of a changed Deployment keeps container fields, merges ports, keeps order', () => {
  const live = { metadata: { name: 'web', annotations: { a: 'old' } }, spec: { replicas: 1, template: { spec: { containers: [nginx, { name: 'side', image: 'busybox' }] } } } };
  const patch = {
    metadata: { annotations: { a: 'new' } },
    spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'side' }],
      containers: [{ image: 'nginx:1.26', name: 'nginx', ports: [{ containerPort: 8080 }] }],
    } } },
  };
  const out = smp(live, patch);
  noDirectives(out);
  const cs = containersOf(out);
  assert.deepEqual(cs.map((c) => c['name']), ['nginx', 'side']);
  assert.equal(cs[0]!['image'], 'nginx:1.26');
  assert.equal(cs[0]!['imagePullPolicy'], 'IfNotPresent');
  assert.deepEqual(cs[0]!['env'], nginx.env);
  // Merged by containerPort: the existing port stays, the new one is added ahead of it (upstream order).
  assert.deepEqual(cs[0]!['ports'], [{ containerPort: 8080 }, { containerPort: 80, protocol: 'TCP' }]);
  assert.equal((out as { metadata: { annotations: { a: string } } }).metadata.annotations.a, 'new');
});

test('the full kubectl 3-way patch for a port change replaces port 80 with 8080', () => {
  const live = pod({ containers: [nginx] });
  const patch = pod({
    '$setElementOrder/containers': [{ name: 'nginx' }],
    containers: [{
      '$setElementOrder/ports': [{ containerPort: 8080 }],
      name: 'nginx',
      ports: [{ containerPort: 8080 }, { $patch: 'delete', containerPort: 80 }],
    }],
  });
  const out = smp(live, patch);
  noDirectives(out);
  assert.deepEqual(containersOf(out)[0]!['ports'], [{ containerPort: 8080 }]);
  assert.equal(containersOf(out)[0]!['image'], 'nginx:1.25');
});

test('$setElementOrder reorders; server-only items keep their live position', () => {
  const c = (name: string) => ({ name, image: name });
  const reordered = smp(pod({ containers: [c('a'), c('b'), c('c')] }), pod({ '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] }));
  assert.deepEqual(containersOf(reordered), [c('c'), c('a'), c('b')]);
  // 's' was injected server-side between a and b; the patch asks for b before a.
  const interleaved = smp(pod({ containers: [c('a'), c('s'), c('b')] }), pod({ '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] }));
  assert.deepEqual(containersOf(interleaved).map((x) => x['name']), ['s', 'b', 'a']);
  // A new item lands where the order list puts it.
  const added = smp(pod({ containers: [c('a'), c('b')] }), pod({ '$setElementOrder/containers': [{ name: 'a' }, { name: 'n' }, { name: 'b' }], containers: [c('n')] }));
  assert.deepEqual(containersOf(added), [c('a'), c('n'), c('b')]);
});

test('$setElementOrder inconsistent with the patch list is rejected', () => {
  const patch = pod({ '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b' }, { name: 'a' }] });
  assert.throws(() => smp(pod({ containers: [] }), patch), badRequest);
  assert.throws(() => smp(pod({}), pod({ '$setElementOrder/containers': 'x' })), badRequest);
});

test('env merges by name, volumeMounts by mountPath; new items without $setElementOrder go first (upstream)', () => {
  const out = smp(pod({ containers: [nginx] }), pod({ containers: [{
    name: 'nginx',
    env: [{ name: 'B', value: '3' }, { name: 'C', value: 'new' }],
    volumeMounts: [{ mountPath: '/cfg', name: 'cfg2', readOnly: true }],
  }] }));
  const c = containersOf(out)[0]!;
  assert.deepEqual(c['env'], [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: 'new' }]);
  assert.deepEqual(c['volumeMounts'], [{ mountPath: '/data', name: 'data' }, { mountPath: '/cfg', name: 'cfg2', readOnly: true }]);
  const prepended = smp(pod({ containers: [nginx] }), pod({ containers: [{ name: 'redis', image: 'redis' }] }));
  assert.deepEqual(containersOf(prepended).map((x) => x['name']), ['redis', 'nginx']);
});

test('$patch: delete removes list elements by merge key; missing merge key is a 400', () => {
  const out = smp(pod({ containers: [nginx, { name: 'b' }] }), pod({ containers: [{ $patch: 'delete', name: 'b' }, { name: 'nginx', env: [{ $patch: 'delete', name: 'A' }] }] }));
  noDirectives(out);
  assert.deepEqual(containersOf(out).map((x) => x['name']), ['nginx']);
  assert.deepEqual(containersOf(out)[0]!['env'], [{ name: 'B', value: '2' }]);
  assert.throws(() => smp(pod({ containers: [nginx] }), pod({ containers: [{ $patch: 'delete' }] })), badRequest);
  assert.throws(() => smp(pod({ containers: [nginx] }), pod({ containers: [{ image: 'no-name' }] })), badRequest);
  assert.throws(() => smp(pod({ containers: [nginx] }), pod({ containers: [{ name: 'x', $patch: 'bogus' }] })), badRequest);
});

test('$patch: replace replaces a whole list or a whole map', () => {
  const list = smp(pod({ containers: [nginx, { name: 'b' }] }), pod({ containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] }));
  noDirectives(list);
  assert.deepEqual(containersOf(list), [{ name: 'only', image: 'x' }]);
  const live = { spec: { template: { metadata: { labels: { a: '1', b: '2' } } } } };
  const map = smp(live, { spec: { template: { metadata: { labels: { $patch: 'replace', c: '3' } } } } });
  assert.deepEqual(map, { spec: { template: { metadata: { labels: { c: '3' } } } } });
});

test('$patch: delete on a map deletes it; at the top level it empties the object', () => {
  const live = { spec: { replicas: 2, strategy: { type: 'Recreate' } } };
  assert.deepEqual(smp(live, { spec: { strategy: { $patch: 'delete' } } }), { spec: { replicas: 2 } });
  assert.deepEqual(smp(live, { $patch: 'delete' }), {});
});

test('$retainKeys clears unlisted fields then merges', () => {
  const live = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
  assert.deepEqual(smp(live, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }), { spec: { strategy: { type: 'Recreate' } } });
  const vols = smp(pod({ volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', emptyDir: {} }] }), pod({
    '$setElementOrder/volumes': [{ name: 'v' }, { name: 'w' }],
    volumes: [{ $retainKeys: ['configMap', 'name'], name: 'v', configMap: { name: 'cm' } }],
  }));
  noDirectives(vols);
  assert.deepEqual((vols as { spec: { template: { spec: { volumes: unknown } } } }).spec.template.spec.volumes, [
    { name: 'v', configMap: { name: 'cm' } }, { name: 'w', emptyDir: {} },
  ]);
  assert.throws(() => smp(live, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }), badRequest);
  assert.throws(() => smp(live, { spec: { strategy: { $retainKeys: 'type' } } }), badRequest);
});

test('finalizers merge as a set; $deleteFromPrimitiveList removes values', () => {
  const live = { metadata: { finalizers: ['a', 'b'] } };
  assert.deepEqual(smp(live, { metadata: { finalizers: ['b', 'c'] } }), { metadata: { finalizers: ['a', 'b', 'c'] } });
  assert.deepEqual(smp({ metadata: { finalizers: ['a', 'b', 'c'] } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } }), { metadata: { finalizers: ['a', 'c'] } });
  // What kubectl apply sends when a finalizer is swapped: deletion list + order + additions.
  const swapped = smp({ metadata: { finalizers: ['a', 'b'] } }, {
    metadata: { '$setElementOrder/finalizers': ['a', 'c'], '$deleteFromPrimitiveList/finalizers': ['b'], finalizers: ['c'] },
  });
  assert.deepEqual(swapped, { metadata: { finalizers: ['a', 'c'] } });
  assert.throws(() => smp(live, { metadata: { '$deleteFromPrimitiveList/finalizers': 'b' } }), badRequest);
});

test('null deletes keys; unmatched nulls are dropped', () => {
  const live = { metadata: { labels: { a: '1', b: '2' } }, spec: { replicas: 3, paused: true } };
  const out = smp(live, { metadata: { labels: { a: null, zz: null } }, spec: { paused: null }, status: { x: null, y: 1 } });
  assert.deepEqual(out, { metadata: { labels: { b: '2' } }, spec: { replicas: 3 }, status: { y: 1 } });
});

test('conditions merge by type; ownerReferences by uid', () => {
  const live = { metadata: { ownerReferences: [{ uid: 'u1', name: 'x' }] }, status: { conditions: [{ type: 'Available', status: 'False' }, { type: 'Progressing', status: 'True' }] } };
  const out = smp(live, { metadata: { ownerReferences: [{ uid: 'u1', name: 'y' }] }, status: { conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] } });
  assert.deepEqual(out, {
    metadata: { ownerReferences: [{ uid: 'u1', name: 'y' }] },
    status: { conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }, { type: 'Progressing', status: 'True' }] },
  });
});

test('lists without a strategy are replaced, maps merge (kubectl cordon / rollout restart / taint shapes)', () => {
  const live = pod({ tolerations: [{ key: 'a' }], nodeSelector: { zone: 'x' }, containers: [{ name: 'c', args: ['1', '2'] }] });
  const out = smp(live, pod({ tolerations: [{ key: 'b' }], nodeSelector: { disk: 'ssd' }, containers: [{ name: 'c', args: ['3'] }] }));
  assert.deepEqual(out, pod({ tolerations: [{ key: 'b' }], nodeSelector: { zone: 'x', disk: 'ssd' }, containers: [{ name: 'c', args: ['3'] }] }));
  const restarted = smp(live, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 't' } } } } });
  assert.deepEqual((restarted as { spec: { template: { metadata: unknown } } }).spec.template.metadata, { annotations: { 'kubectl.kubernetes.io/restartedAt': 't' } });
});

test('without a schema every list is replaced, like a merge patch', () => {
  const out = strategicMergePatch({ a: { l: [1, 2], m: 1 }, keep: true }, { a: { l: [3], n: null } }, undefined, {});
  assert.deepEqual(out, { a: { l: [3], m: 1 }, keep: true });
});

test('values new to the original are cleaned of directives and type changes replace', () => {
  const out = smp(pod({ containers: [{ name: 'c' }] }), pod({ containers: [{
    name: 'c',
    env: [{ name: 'A', value: '1' }, { $patch: 'delete', name: 'B' }],
    resources: { $patch: 'replace', limits: { cpu: '1', memory: null } },
  }], initContainers: [{ $patch: 'replace' }, { name: 'i' }] }));
  noDirectives(out);
  assert.deepEqual(out, pod({ containers: [{ name: 'c', env: [{ name: 'A', value: '1' }], resources: { limits: { cpu: '1' } } }], initContainers: [{ name: 'i' }] }));
  assert.deepEqual(smp({ spec: { replicas: { odd: 1 } } }, { spec: { replicas: 2 } }), { spec: { replicas: 2 } });
});

test('malformed patches are 400', () => {
  assert.throws(() => smp({}, []), badRequest);
  assert.throws(() => smp({}, 'x'), badRequest);
  assert.throws(() => smp({}, { $patch: 'sideways' }), badRequest);
  assert.throws(() => smp(pod({ containers: [{ name: 'a' }] }), pod({ containers: ['a'] })), badRequest);
});

test('never mutates inputs', () => {
  const live = pod({ containers: [structuredClone(nginx)] });
  const patch = pod({ '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ name: 'nginx', env: [{ $patch: 'delete', name: 'A' }], ports: [{ containerPort: 1 }] }] });
  const snapLive = structuredClone(live);
  const snapPatch = structuredClone(patch);
  const out = smp(live, patch);
  assert.deepEqual(live, snapLive);
  assert.deepEqual(patch, snapPatch);
  (containersOf(out)[0]!['volumeMounts'] as Array<{ name: string }>)[0]!.name = 'changed';
  assert.equal(nginx.volumeMounts[0]!.name, 'data');
  assert.equal(containersOf(live)[0]!['volumeMounts'] && (containersOf(live)[0]!['volumeMounts'] as Array<{ name: string }>)[0]!.name, 'data');
});
