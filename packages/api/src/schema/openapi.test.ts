import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinComponents } from './builtin.js';
import { buildOpenAPIV3Doc, openapiHash, type OpenAPIResourceInfo } from './openapi.js';
import type { SchemaComponents } from './types.js';

interface Doc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, any>>;
  components: { schemas: SchemaComponents };
}

const res = (plural: string, kind: string, schemaName: string, namespaced: boolean, subresources: string[] = [], strategicMerge = true): OpenAPIResourceInfo =>
  ({ plural, kind, namespaced, schemaName, subresources, strategicMerge });

const appsDoc = (smp = true): Doc =>
  buildOpenAPIV3Doc({
    group: 'apps',
    version: 'v1',
    kubeVersion: 'v1.32.0',
    components: builtinComponents,
    resources: [
      res('deployments', 'Deployment', 'io.k8s.api.apps.v1.Deployment', true, ['status', 'scale'], smp),
      res('replicasets', 'ReplicaSet', 'io.k8s.api.apps.v1.ReplicaSet', true, ['status', 'scale'], smp),
      res('daemonsets', 'DaemonSet', 'io.k8s.api.apps.v1.DaemonSet', true, ['status'], smp),
    ],
  }) as Doc;

const coreDoc = (): Doc =>
  buildOpenAPIV3Doc({
    group: '',
    version: 'v1',
    kubeVersion: 'v1.32.0',
    components: builtinComponents,
    resources: [
      res('pods', 'Pod', 'io.k8s.api.core.v1.Pod', true, ['status', 'binding', 'log', 'exec', 'eviction']),
      res('nodes', 'Node', 'io.k8s.api.core.v1.Node', false, ['status', 'proxy']),
      res('namespaces', 'Namespace', 'io.k8s.api.core.v1.Namespace', false, ['status']),
    ],
  }) as Doc;

function refsIn(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => refsIn(x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (k === '$ref' ? out.add(String(x)) : refsIn(x, out));
  return out;
}

const HTTP_VERBS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

describe('buildOpenAPIV3Doc', () => {
  it('has the OpenAPI header and per-kind paths for apps/v1', () => {
    const doc = appsDoc();
    assert.equal(doc.openapi, '3.0.0');
    assert.deepEqual(doc.info, { title: 'Kubernetes', version: 'v1.32.0' });
    const base = '/apis/apps/v1/namespaces/{namespace}/deployments';
    for (const p of [base, `${base}/{name}`, `${base}/{name}/status`, `${base}/{name}/scale`, '/apis/apps/v1/deployments']) assert.ok(doc.paths[p], p);
    assert.deepEqual(Object.keys(doc.paths[base]!).filter((k) => HTTP_VERBS.includes(k)).sort(), ['delete', 'get', 'post']);
    assert.deepEqual(Object.keys(doc.paths[`${base}/{name}`]!).filter((k) => HTTP_VERBS.includes(k)).sort(), ['delete', 'get', 'patch', 'put']);
    assert.equal(doc.paths[base]!.get['x-kubernetes-action'], 'list');
    assert.equal(doc.paths[base]!.delete['x-kubernetes-action'], 'deletecollection');
    assert.equal(doc.paths[`${base}/{name}`]!.get.operationId, 'readAppsV1NamespacedDeployment');
    assert.equal(doc.paths[base]!.delete.operationId, 'deleteAppsV1CollectionNamespacedDeployment');
    assert.equal(doc.paths['/apis/apps/v1/deployments']!.get.operationId, 'listAppsV1DeploymentForAllNamespaces');
  });

  it('declares fieldValidation and the strategic-merge content type on PATCH (kubectl keys on these)', () => {
    const patch = appsDoc().paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']!.patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.equal(patch['x-kubernetes-action'], 'patch');
    const params = (patch.parameters as Array<{ name: string; in: string }>).map((p) => `${p.in}:${p.name}`);
    for (const want of ['query:fieldValidation', 'query:dryRun', 'query:fieldManager', 'query:force']) assert.ok(params.includes(want), want);
    assert.deepEqual(Object.keys(patch.requestBody.content).sort(), [
      'application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
    ]);
    assert.deepEqual(patch.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/io.k8s.api.apps.v1.Deployment' });

    const noSmp = appsDoc(false).paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']!.patch;
    assert.ok(!('application/strategic-merge-patch+json' in noSmp.requestBody.content));
    assert.ok('application/merge-patch+json' in noSmp.requestBody.content);
  });

  it('declares fieldValidation on POST and PUT too', () => {
    const doc = appsDoc();
    const base = '/apis/apps/v1/namespaces/{namespace}/deployments';
    for (const op of [doc.paths[base]!.post, doc.paths[`${base}/{name}`]!.put]) {
      assert.ok((op.parameters as Array<{ name: string }>).some((p) => p.name === 'fieldValidation'));
    }
  });

  it('serves the scale subresource with the autoscaling/v1 Scale schema', () => {
    const scale = appsDoc().paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']!;
    assert.deepEqual(scale.patch['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
    assert.deepEqual(scale.get.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/io.k8s.api.autoscaling.v1.Scale' });
    assert.equal(scale.get.operationId, 'readAppsV1NamespacedDeploymentScale');
  });

  it('contains exactly the schemas reachable from the listed kinds', () => {
    const doc = appsDoc();
    const names = Object.keys(doc.components.schemas);
    for (const want of [
      'io.k8s.api.apps.v1.Deployment', 'io.k8s.api.apps.v1.DeploymentList', 'io.k8s.api.core.v1.PodSpec', 'io.k8s.api.autoscaling.v1.Scale',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Status', 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    ]) assert.ok(names.includes(want), want);
    for (const absent of ['io.k8s.api.core.v1.Node', 'io.k8s.api.core.v1.Service', 'io.k8s.api.core.v1.Pod', 'io.k8s.api.coordination.v1.Lease']) {
      assert.ok(!names.includes(absent), absent);
    }
    assert.deepEqual(names, [...names].sort());
    // Every reference, from paths and schemas alike, resolves inside this document.
    const dangling = [...refsIn(doc)].filter((r) => !doc.components.schemas[r.replace('#/components/schemas/', '')]);
    assert.deepEqual(dangling, []);
    // And nothing unreferenced was carried along.
    const referenced = refsIn({ paths: doc.paths, schemas: doc.components.schemas });
    const unused = names.filter((n) => !referenced.has(`#/components/schemas/${n}`) && !n.endsWith('.Deployment') && !n.endsWith('.ReplicaSet') && !n.endsWith('.DaemonSet'));
    assert.deepEqual(unused, []);
  });

  it('tags every operation with an action and a GVK', () => {
    for (const doc of [appsDoc(), coreDoc()]) {
      for (const [p, item] of Object.entries(doc.paths)) {
        for (const verb of HTTP_VERBS) {
          const op = item[verb];
          if (!op) continue;
          assert.ok(op['x-kubernetes-action'], `${verb} ${p}`);
          assert.ok(op['x-kubernetes-group-version-kind']?.kind, `${verb} ${p}`);
          assert.ok(op.operationId, `${verb} ${p}`);
        }
      }
    }
  });

  it('builds core/v1 paths for cluster-scoped kinds and pod subresources', () => {
    const doc = coreDoc();
    assert.ok(doc.paths['/api/v1/nodes/{name}']);
    assert.ok(doc.paths['/api/v1/nodes/{name}/status']?.patch);
    assert.ok(!Object.keys(doc.paths).some((p) => p.includes('namespaces/{namespace}/nodes')));
    assert.ok(!doc.paths['/api/v1/namespaces/{namespace}/namespaces']);
    assert.ok(doc.paths['/api/v1/namespaces/{name}']);
    assert.ok(doc.paths['/api/v1/pods']?.get, 'all-namespaces pod list');
    const binding = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/binding']!;
    assert.deepEqual(binding.post['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Binding' });
    assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/exec']!.get['x-kubernetes-action'], 'connect');
    assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/log']!.get.operationId, 'readCoreV1NamespacedPodLog');
    assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}']!.patch.operationId, 'patchCoreV1NamespacedPod');
    assert.ok(doc.components.schemas['io.k8s.api.core.v1.Binding']);
    assert.ok(doc.components.schemas['io.k8s.api.core.v1.PodList']!['x-kubernetes-group-version-kind']);
    const nsParams = (doc.paths['/api/v1/namespaces/{namespace}/pods']!.parameters as Array<{ name: string; in: string; required?: boolean }>);
    assert.ok(nsParams.some((p) => p.name === 'namespace' && p.in === 'path' && p.required));
  });

  it('rejects a resource whose schema is not among the components', () => {
    assert.throws(
      () => buildOpenAPIV3Doc({ group: 'x.io', version: 'v1', kubeVersion: 'v1.32.0', components: builtinComponents, resources: [res('foos', 'Foo', 'io.x.v1.Foo', true)] }),
      /io\.x\.v1\.Foo/,
    );
  });

  it('accepts extra components for custom resources', () => {
    const components = { ...builtinComponents, 'io.kubeedge.devices.v1beta1.Device': { type: 'object' as const, 'x-kubernetes-preserve-unknown-fields': true as const, 'x-kubernetes-group-version-kind': [{ group: 'devices.kubeedge.io', version: 'v1beta1', kind: 'Device' }] } };
    const doc = buildOpenAPIV3Doc({ group: 'devices.kubeedge.io', version: 'v1beta1', kubeVersion: 'v1.32.0', components, resources: [res('devices', 'Device', 'io.kubeedge.devices.v1beta1.Device', true, ['status'], false)] }) as Doc;
    assert.ok(doc.paths['/apis/devices.kubeedge.io/v1beta1/namespaces/{namespace}/devices/{name}']!.patch);
    assert.ok(doc.components.schemas['io.kubeedge.devices.v1beta1.Device']);
    assert.equal(doc.paths['/apis/devices.kubeedge.io/v1beta1/namespaces/{namespace}/devices/{name}']!.get.operationId, 'readDevicesV1beta1NamespacedDevice');
  });
});

describe('openapiHash', () => {
  it('is a stable uppercase sha512 hex digest', () => {
    const h = openapiHash(appsDoc());
    assert.match(h, /^[0-9A-F]{128}$/);
    assert.equal(openapiHash(appsDoc()), h);
  });

  it('ignores key order but changes with content', () => {
    assert.equal(openapiHash({ a: 1, b: { c: [1, 2] } }), openapiHash({ b: { c: [1, 2] }, a: 1 }));
    assert.notEqual(openapiHash({ a: 1 }), openapiHash({ a: 2 }));
    assert.notEqual(openapiHash({ c: [1, 2] }), openapiHash({ c: [2, 1] }));
    assert.notEqual(openapiHash(appsDoc(true)), openapiHash(appsDoc(false)));
  });
});
