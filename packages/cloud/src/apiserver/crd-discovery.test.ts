import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './test-harness.js';

const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const aggV2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const aggV2beta1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

const widgetCRD = (extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com', scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
    versions: [{
      name: 'v1', served: true, storage: true,
      subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
      additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
      schema: { openAPIV3Schema: { type: 'object', properties: {
        spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 }, color: { type: 'string', default: 'blue' }, replicas: { type: 'integer' } } },
        status: { type: 'object', properties: { replicas: { type: 'integer' } } },
      } } },
    }],
    ...extra,
  },
});

describe('apiserver CRDs and discovery', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer(); });
  after(async () => { await s.close(); });

  it('installs the built-in KubeEdge CRDs with Established status', async () => {
    const r = await s.request('GET', `${crds}/devices.devices.kubeedge.io`);
    assert.equal(r.status, 200, r.text);
    const conds = Object.fromEntries(r.json.status.conditions.map((c: any) => [c.type, c.status]));
    assert.equal(conds.Established, 'True');
    assert.equal(conds.NamesAccepted, 'True');
    const l = await s.request('GET', '/apis/devices.kubeedge.io/v1beta1/namespaces/default/devices');
    assert.equal(l.status, 200, l.text);
    assert.equal(l.json.kind, 'DeviceList');
  });

  it('CRD name must be <plural>.<group>', async () => {
    const bad = widgetCRD();
    bad.metadata.name = 'wrong.example.com';
    const r = await s.request('POST', crds, bad);
    assert.equal(r.status, 422);
    assert.equal(r.json.details.causes[0].field, 'metadata.name');
  });

  it('CR is served as soon as the CRD is created; schema validation and defaults apply', async () => {
    const c = await s.request('POST', crds, widgetCRD());
    assert.equal(c.status, 201, c.text);
    assert.deepEqual(c.json.status.storedVersions, ['v1']);
    assert.equal(c.json.status.acceptedNames.kind, 'Widget');
    const base = '/apis/example.com/v1/namespaces/default/widgets';
    const w = await s.request('POST', base, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 2, replicas: 1 }, status: { replicas: 5 } });
    assert.equal(w.status, 201, w.text);
    assert.equal(w.json.spec.color, 'blue', 'schema default applied');
    assert.equal(w.json.status, undefined, 'status dropped on create with a status subresource');
    assert.equal(w.json.metadata.generation, 1);
    const bad = await s.request('POST', base, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w2' }, spec: { size: 'big' } });
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.json.details.causes[0].field, 'spec.size');
    const strict = await s.request('POST', `${base}?fieldValidation=Strict`, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w3' }, spec: { size: 1, extra: true } });
    assert.equal(strict.status, 400);
    assert.match(strict.json.message, /unknown field "spec.extra"/);
    const pruned = await s.request('POST', `${base}?fieldValidation=Ignore`, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w4' }, spec: { size: 1, extra: true } });
    assert.equal(pruned.status, 201);
    assert.equal(pruned.json.spec.extra, undefined);
  });

  it('CR patches: SMP → 415, merge works; generation and status/scale subresources', async () => {
    const base = '/apis/example.com/v1/namespaces/default/widgets';
    const smp = await s.request('PATCH', `${base}/w1`, { spec: { size: 3 } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.equal(smp.status, 415);
    const m = await s.request('PATCH', `${base}/w1`, { spec: { size: 3 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(m.status, 200, m.text);
    assert.equal(m.json.metadata.generation, 2);
    const st = await s.request('PATCH', `${base}/w1/status`, { status: { replicas: 1 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(st.status, 200, st.text);
    assert.equal(st.json.status.replicas, 1);
    assert.equal(st.json.metadata.generation, 2);
    const sc = await s.request('PATCH', `${base}/w1/scale`, { spec: { replicas: 4 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(sc.status, 200, sc.text);
    assert.equal(sc.json.spec.replicas, 4);
    assert.equal(sc.json.status.replicas, 1);
    const t = await s.request('GET', base, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.ok(t.json.columnDefinitions.some((c: any) => c.name === 'Size'));
  });

  it('aggregated discovery v2 / v2beta1 by Accept, legacy otherwise', async () => {
    const v2 = await s.request('GET', '/apis', undefined, { Accept: aggV2 });
    assert.equal(v2.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    assert.equal(v2.json.apiVersion, 'apidiscovery.k8s.io/v2');
    const apps = v2.json.items.find((i: any) => i.metadata.name === 'apps');
    const dep = apps.versions[0].resources.find((r: any) => r.resource === 'deployments');
    assert.deepEqual(dep.categories, ['all']);
    assert.deepEqual(dep.shortNames, ['deploy']);
    assert.deepEqual(dep.subresources.find((x: any) => x.subresource === 'scale').responseKind, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
    assert.ok(v2.json.items.some((i: any) => i.metadata.name === 'example.com'), 'CR group listed');
    const beta = await s.request('GET', '/api', undefined, { Accept: aggV2beta1 });
    assert.equal(beta.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    assert.equal(beta.json.items.length, 1);
    assert.equal(beta.json.items[0].metadata.name, '');
    const legacy = await s.request('GET', '/api', undefined, { Accept: 'application/json' });
    assert.equal(legacy.json.kind, 'APIVersions');
    assert.deepEqual(legacy.json.versions, ['v1']);
    const groups = await s.request('GET', '/apis');
    assert.equal(groups.json.kind, 'APIGroupList');
    assert.ok(groups.json.groups.some((g: any) => g.name === 'example.com' && g.preferredVersion.version === 'v1'));
    const v1 = await s.request('GET', '/api/v1');
    const names = v1.json.resources.map((r: any) => r.name);
    for (const n of ['pods', 'pods/log', 'pods/exec', 'pods/binding', 'pods/status', 'namespaces/finalize', 'nodes']) assert.ok(names.includes(n), n);
    const ev = v1.json.resources.find((r: any) => r.name === 'pods/eviction');
    assert.equal(ev.group, 'policy');
    const appsList = await s.request('GET', '/apis/apps/v1');
    const scale = appsList.json.resources.find((r: any) => r.name === 'deployments/scale');
    assert.deepEqual([scale.group, scale.version, scale.kind], ['autoscaling', 'v1', 'Scale']);
    assert.equal((await s.request('GET', '/apis/example.com')).json.kind, 'APIGroup');
    assert.equal((await s.request('GET', '/apis/nope.io/v1')).status, 404);
  });

  it('openapi v3 root and docs; v2 is 404', async () => {
    const root = await s.request('GET', '/openapi/v3');
    assert.equal(root.status, 200);
    for (const p of ['api/v1', 'apis/apps/v1', 'apis/example.com/v1', 'apis/devices.kubeedge.io/v1beta1']) assert.ok(root.json.paths[p], p);
    const url = root.json.paths['apis/apps/v1'].serverRelativeURL as string;
    assert.match(url, /^\/openapi\/v3\/apis\/apps\/v1\?hash=/);
    const doc = await s.request('GET', url);
    assert.equal(doc.status, 200);
    const patch = doc.json.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    assert.ok(patch.parameters.some((p: any) => p.name === 'fieldValidation' || p.$ref?.includes('fieldValidation')), JSON.stringify(patch.parameters));
    const cr = await s.request('GET', root.json.paths['apis/example.com/v1'].serverRelativeURL);
    assert.ok(cr.json.components.schemas['com.example.v1.Widget']);
    assert.equal((await s.request('GET', '/openapi/v2')).status, 404);
  });

  it('a CRD served in two versions serves the same objects under both apiVersions', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'things.multi.io' },
      spec: {
        group: 'multi.io', scope: 'Cluster', names: { plural: 'things', kind: 'Thing' },
        versions: [
          { name: 'v1beta1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
          { name: 'v1alpha1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
        ],
      },
    };
    assert.equal((await s.request('POST', crds, crd)).status, 201);
    const c = await s.request('POST', '/apis/multi.io/v1alpha1/things', { apiVersion: 'multi.io/v1alpha1', kind: 'Thing', metadata: { name: 't1' }, spec: { a: 1 } });
    assert.equal(c.status, 201, c.text);
    const beta = await s.request('GET', '/apis/multi.io/v1beta1/things/t1');
    assert.equal(beta.json.apiVersion, 'multi.io/v1beta1');
    assert.deepEqual(beta.json.spec, { a: 1 });
    const list = await s.request('GET', '/apis/multi.io/v1beta1/things');
    assert.equal(list.json.items[0].apiVersion, 'multi.io/v1beta1');
    const disc = await s.request('GET', '/apis/multi.io');
    assert.equal(disc.json.preferredVersion.version, 'v1beta1');
  });

  it('deleting a CRD stops serving it and deletes its CRs', async () => {
    const d = await s.request('DELETE', `${crds}/widgets.example.com`);
    assert.equal(d.status, 200, d.text);
    assert.equal((await s.request('GET', '/apis/example.com/v1/namespaces/default/widgets')).status, 404);
    for (let i = 0; i < 50; i++) {
      if ((await s.backend.list('/registry/example.com/widgets/')).items.length === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((await s.backend.list('/registry/example.com/widgets/')).items.length, 0);
  });
});
