import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinComponents, builtinSchemaName } from './builtin.js';
import { manifests } from './builtin/test-manifests.js';
import { buildOpenAPIV3Doc } from './openapi.js';
import type { JSONSchema, SchemaComponents } from './types.js';

const PREFIX = '#/components/schemas/';

/** Local $ref/allOf resolution, independent of the production validator in validate.ts. */
function resolve(s: JSONSchema, components: SchemaComponents = builtinComponents): JSONSchema {
  let out: JSONSchema = {};
  if (s.$ref) {
    const target = components[s.$ref.slice(PREFIX.length)];
    assert.ok(target, `unresolved ${s.$ref}`);
    out = { ...resolve(target, components) };
  }
  for (const part of s.allOf ?? []) out = { ...out, ...resolve(part, components) };
  const { $ref: _r, allOf: _a, ...own } = s;
  return { ...out, ...own };
}

/** Reports every property path the schema does not declare, and every JSON type mismatch. */
function walk(value: unknown, schema: JSONSchema, path: string, problems: string[]): void {
  const s = resolve(schema);
  if (value === null) return;
  if (s['x-kubernetes-int-or-string']) {
    if (typeof value !== 'number' && typeof value !== 'string') problems.push(`${path}: want int-or-string`);
    return;
  }
  if (s['x-kubernetes-preserve-unknown-fields'] && !s.properties) return;
  const isObj = typeof value === 'object' && !Array.isArray(value);
  switch (s.type) {
    case 'object': {
      if (!isObj) return void problems.push(`${path}: want object`);
      for (const [k, v] of Object.entries(value as object)) {
        const p = path ? `${path}.${k}` : k;
        if (s.properties?.[k]) walk(v, s.properties[k], p, problems);
        else if (typeof s.additionalProperties === 'object') walk(v, s.additionalProperties, p, problems);
        else if (!s['x-kubernetes-preserve-unknown-fields']) problems.push(`${p}: unknown field`);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) return void problems.push(`${path}: want array`);
      value.forEach((v, i) => walk(v, s.items!, `${path}[${i}]`, problems));
      return;
    case 'string':
      if (typeof value !== 'string') problems.push(`${path}: want string`);
      return;
    case 'integer':
      if (!Number.isInteger(value)) problems.push(`${path}: want integer`);
      return;
    case 'number':
      if (typeof value !== 'number') problems.push(`${path}: want number`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${path}: want boolean`);
      return;
    default:
      problems.push(`${path}: schema has no type`);
  }
}

function collectRefs(v: unknown, out: Set<string>): void {
  if (Array.isArray(v)) v.forEach((x) => collectRefs(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref') out.add(String(x));
      else collectRefs(x, out);
    }
  }
}

/** Schema of a dotted property path (array items entered with `[]`), e.g. `spec.containers[]`. */
function at(schemaName: string, path: string): JSONSchema {
  let s = resolve(builtinComponents[schemaName]!);
  for (const seg of path.split('.')) {
    const name = seg.replace(/\[\]$/, '');
    assert.ok(s.properties?.[name], `${schemaName}: no property ${name} in ${path}`);
    s = resolve(s.properties[name]);
    if (seg.endsWith('[]')) s = resolve(s.items!);
  }
  return s;
}

const KINDS: Array<[string, string, string, boolean]> = [
  ['', 'v1', 'Namespace', true], ['', 'v1', 'Node', true], ['', 'v1', 'Pod', true], ['', 'v1', 'ConfigMap', true],
  ['', 'v1', 'Secret', true], ['', 'v1', 'Service', true], ['', 'v1', 'Endpoints', true], ['', 'v1', 'Event', true],
  ['', 'v1', 'ServiceAccount', true], ['', 'v1', 'Binding', false], ['coordination.k8s.io', 'v1', 'Lease', true],
  ['apps', 'v1', 'Deployment', true], ['apps', 'v1', 'ReplicaSet', true], ['apps', 'v1', 'DaemonSet', true],
  ['autoscaling', 'v1', 'Scale', false], ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', true],
];

describe('builtin schemas', () => {
  it('resolves every $ref', () => {
    const refs = new Set<string>();
    collectRefs(builtinComponents, refs);
    const missing = [...refs].filter((r) => !r.startsWith(PREFIX) || !builtinComponents[r.slice(PREFIX.length)]);
    assert.deepEqual(missing, []);
  });

  it('tags every kind with its GVK and TypeMeta/ObjectMeta, and defines its List', () => {
    for (const [group, version, kind, listed] of KINDS) {
      const name = builtinSchemaName(group, version, kind);
      assert.ok(name, `${group}/${version} ${kind} has no schema`);
      const s = builtinComponents[name]!;
      assert.deepEqual(s['x-kubernetes-group-version-kind'], [{ group, version, kind }]);
      assert.equal(s.properties?.apiVersion?.type, 'string');
      assert.equal(s.properties?.kind?.type, 'string');
      assert.equal(s.properties!.metadata!.allOf?.[0]?.$ref, `${PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`, `${kind}.metadata`);
      const list = builtinSchemaName(group, version, `${kind}List`);
      if (!listed) {
        assert.equal(list, undefined);
        continue;
      }
      assert.equal(list, `${name}List`);
      assert.deepEqual(builtinComponents[list]!.properties!.items!.items, { $ref: PREFIX + name });
    }
    assert.equal(builtinSchemaName('apps', 'v1', 'Pod'), undefined);
    assert.equal(builtinSchemaName('', 'v1', 'Status'), 'io.k8s.apimachinery.pkg.apis.meta.v1.Status');
    assert.equal(builtinSchemaName('apps', 'v1', 'DeleteOptions'), 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions');
  });

  it('makes every kind reachable from its group/version document', () => {
    const byGv = new Map<string, Array<[string, string]>>();
    for (const [group, version, kind] of KINDS) {
      const gv = `${group}/${version}`;
      byGv.set(gv, [...(byGv.get(gv) ?? []), [group, kind]]);
    }
    for (const [gv, kinds] of byGv) {
      const [group, version] = gv.split('/') as [string, string];
      const resources = kinds.map(([, kind]) => ({
        plural: `${kind.toLowerCase()}s`, kind, namespaced: true, schemaName: builtinSchemaName(group, version, kind)!, subresources: [], strategicMerge: true,
      }));
      const doc = buildOpenAPIV3Doc({ group, version, resources, components: builtinComponents, kubeVersion: 'v1.32.0' }) as { components: { schemas: SchemaComponents } };
      for (const r of resources) assert.ok(doc.components.schemas[r.schemaName], `${gv} ${r.kind} missing`);
    }
  });

  it('carries upstream strategic-merge keys and list types', () => {
    const cases: Array<[string, string, string | undefined, string | undefined, string?]> = [
      ['io.k8s.api.core.v1.PodSpec', 'containers', 'name', 'merge', 'map'],
      ['io.k8s.api.core.v1.PodSpec', 'initContainers', 'name', 'merge', 'map'],
      ['io.k8s.api.core.v1.PodSpec', 'ephemeralContainers', 'name', 'merge', 'map'],
      ['io.k8s.api.core.v1.PodSpec', 'volumes', 'name', 'merge,retainKeys', 'map'],
      ['io.k8s.api.core.v1.PodSpec', 'imagePullSecrets', 'name', 'merge', 'map'],
      ['io.k8s.api.core.v1.PodSpec', 'hostAliases', 'ip', 'merge', 'map'],
      ['io.k8s.api.core.v1.PodSpec', 'tolerations', undefined, undefined, 'atomic'],
      ['io.k8s.api.core.v1.PodSpec', 'containers[].env', 'name', 'merge', 'map'],
      ['io.k8s.api.core.v1.PodSpec', 'containers[].ports', 'containerPort', 'merge', 'map'],
      ['io.k8s.api.core.v1.PodSpec', 'containers[].volumeMounts', 'mountPath', 'merge', 'map'],
      ['io.k8s.api.core.v1.PodSpec', 'containers[].volumeDevices', 'devicePath', 'merge', 'map'],
      ['io.k8s.api.core.v1.PodStatus', 'conditions', 'type', 'merge', 'map'],
      ['io.k8s.api.core.v1.NodeStatus', 'addresses', 'type', 'merge', 'map'],
      ['io.k8s.api.core.v1.NodeStatus', 'conditions', 'type', 'merge', 'map'],
      ['io.k8s.api.core.v1.NodeSpec', 'taints', undefined, undefined, 'atomic'],
      ['io.k8s.api.core.v1.ServiceSpec', 'ports', 'port', 'merge', 'map'],
      ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'ownerReferences', 'uid', 'merge', 'map'],
      ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers', undefined, 'merge', 'set'],
      ['io.k8s.api.apps.v1.DeploymentStatus', 'conditions', 'type', 'merge', 'map'],
    ];
    for (const [schema, path, key, strategy, listType] of cases) {
      const s = at(schema, path);
      const where = `${schema} ${path}`;
      assert.equal(s.type, 'array', where);
      assert.equal(s['x-kubernetes-patch-merge-key'], key, where);
      assert.equal(s['x-kubernetes-patch-strategy'], strategy, where);
      assert.equal(s['x-kubernetes-list-type'], listType, where);
    }
    assert.deepEqual(at('io.k8s.api.core.v1.ServiceSpec', 'ports')['x-kubernetes-list-map-keys'], ['port', 'protocol']);
    assert.deepEqual(at('io.k8s.api.core.v1.Container', 'ports')['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
    assert.equal(at('io.k8s.api.apps.v1.DeploymentSpec', 'strategy')['x-kubernetes-patch-strategy'], 'retainKeys');
  });

  it('marks int-or-string fields and quantities', () => {
    for (const [schema, path] of [
      ['io.k8s.api.apps.v1.RollingUpdateDeployment', 'maxSurge'],
      ['io.k8s.api.apps.v1.RollingUpdateDaemonSet', 'maxUnavailable'],
      ['io.k8s.api.core.v1.ServicePort', 'targetPort'],
      ['io.k8s.api.core.v1.HTTPGetAction', 'port'],
      ['io.k8s.api.core.v1.EmptyDirVolumeSource', 'sizeLimit'],
    ] as const) {
      assert.equal(at(schema, path)['x-kubernetes-int-or-string'], true, `${schema}.${path}`);
    }
    const limits = at('io.k8s.api.core.v1.ResourceRequirements', 'limits');
    assert.equal((limits.additionalProperties as JSONSchema)['x-kubernetes-int-or-string'], true);
    assert.equal(at('io.k8s.api.core.v1.Secret', 'data').additionalProperties && (at('io.k8s.api.core.v1.Secret', 'data').additionalProperties as JSONSchema).format, 'byte');
    assert.equal(at('io.k8s.api.coordination.v1.LeaseSpec', 'renewTime').format, 'date-time');
    assert.equal(builtinComponents['io.k8s.api.coordination.v1.LeaseSpec']!.properties!.renewTime!.allOf![0]!.$ref, PREFIX + 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime');
  });

  it('declares required fields as upstream', () => {
    assert.deepEqual(builtinComponents['io.k8s.api.core.v1.Container']!.required, ['name']);
    assert.deepEqual(builtinComponents['io.k8s.api.core.v1.EnvVar']!.required, ['name']);
    assert.deepEqual(builtinComponents['io.k8s.api.core.v1.ContainerPort']!.required, ['containerPort']);
    assert.deepEqual(builtinComponents['io.k8s.api.apps.v1.DeploymentSpec']!.required, ['selector', 'template']);
    assert.deepEqual(builtinComponents['io.k8s.api.core.v1.PodSpec']!.required, ['containers']);
  });

  it('describes every property (kubectl explain) and gives every schema a type', () => {
    const problems: string[] = [];
    const check = (s: JSONSchema, where: string): void => {
      const r = resolve(s);
      if (!r.type && !r['x-kubernetes-int-or-string']) problems.push(`${where}: no type`);
      if (r.type === 'object' && !r.properties && !r.additionalProperties && !r['x-kubernetes-preserve-unknown-fields']) problems.push(`${where}: closed empty object`);
    };
    for (const [name, s] of Object.entries(builtinComponents)) {
      if (!s.description) problems.push(`${name}: no description`);
      check(s, name);
      for (const [p, ps] of Object.entries(s.properties ?? {})) {
        if (!ps.description) problems.push(`${name}.${p}: no description`);
        check(ps, `${name}.${p}`);
        if (ps.items) check(ps.items, `${name}.${p}[]`);
      }
    }
    assert.deepEqual(problems, []);
  });

  for (const [name, m] of Object.entries(manifests)) {
    it(`accepts a realistic ${name} manifest without unknown fields`, () => {
      const schemaName = builtinSchemaName(m.group, m.version, m.kind);
      assert.ok(schemaName);
      const problems: string[] = [];
      walk(m.body, builtinComponents[schemaName]!, '', problems);
      assert.deepEqual(problems, []);
    });
  }

  it('reports undeclared fields and wrong types (the walker can fail)', () => {
    const problems: string[] = [];
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', labelz: {} },
      spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: '80' }], bogus: 1 }], volumes: [{ name: 'v', emptyDir: { medum: 'Memory' } }] },
    };
    walk(pod, builtinComponents['io.k8s.api.core.v1.Pod']!, '', problems);
    assert.deepEqual(problems.sort(), [
      'metadata.labelz: unknown field',
      'spec.containers[0].bogus: unknown field',
      'spec.containers[0].ports[0].containerPort: want integer',
      'spec.volumes[0].emptyDir.medum: unknown field',
    ]);
  });

  it('is frozen so callers cannot corrupt the shared tables', () => {
    assert.throws(() => {
      (builtinComponents as Record<string, JSONSchema>)['x'] = {};
    }, TypeError);
    assert.ok(Object.isFrozen(builtinComponents['io.k8s.api.core.v1.Pod']!.properties));
  });
});
