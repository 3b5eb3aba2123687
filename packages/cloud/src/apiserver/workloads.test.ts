import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './test-harness.js';

const merge = { 'Content-Type': 'application/merge-patch+json' };
const smp = { 'Content-Type': 'application/strategic-merge-patch+json' };
const jsonPatch = { 'Content-Type': 'application/json-patch+json' };

const deployment = (name: string, image = 'nginx:1.25') => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80 }] }] } },
  },
});
const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...extra },
});
const deploys = '/apis/apps/v1/namespaces/default/deployments';
const pods = '/api/v1/namespaces/default/pods';

describe('apiserver workloads', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer(); });
  after(async () => { await s.close(); });

  it('deployment defaults, generation 1, empty status', async () => {
    const r = await s.request('POST', deploys, deployment('web'));
    assert.equal(r.status, 201, r.text);
    const d = r.json;
    assert.equal(d.metadata.generation, 1);
    assert.equal(d.spec.replicas, 1);
    assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal(d.spec.progressDeadlineSeconds, 600);
    const c = d.spec.template.spec.containers[0];
    assert.equal(c.imagePullPolicy, 'IfNotPresent');
    assert.equal(c.terminationMessagePath, '/dev/termination-log');
    assert.equal(d.spec.template.spec.restartPolicy, 'Always');
    assert.deepEqual(d.status, {});
  });

  it('selector must match template labels → 422', async () => {
    const bad = deployment('bad');
    bad.spec.selector.matchLabels.app = 'other';
    const r = await s.request('POST', deploys, bad);
    assert.equal(r.status, 422);
    assert.equal(r.json.details.causes[0].field, 'spec.template.metadata.labels');
    assert.match(r.json.message, /^Deployment\.apps "bad" is invalid/);
  });

  it('kubectl apply SMP keeps container ports; generation bumps on spec change only', async () => {
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      spec: { replicas: 3, template: { spec: { $setElementOrder: undefined, '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.26', name: 'nginx' }] } } },
    };
    const r = await s.request('PATCH', `${deploys}/web?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`, patch, smp);
    assert.equal(r.status, 200, r.text);
    const c = r.json.spec.template.spec.containers;
    assert.equal(c.length, 1);
    assert.equal(c[0].image, 'nginx:1.26');
    assert.deepEqual(c[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.equal(r.json.spec.replicas, 3);
    assert.equal(r.json.metadata.generation, 2);
    const lab = await s.request('PATCH', `${deploys}/web`, { metadata: { labels: { x: 'y' } } }, merge);
    assert.equal(lab.json.metadata.generation, 2, 'metadata changes do not bump generation');
  });

  it('status subresource isolation', async () => {
    const main = await s.request('PATCH', `${deploys}/web`, { status: { replicas: 9 } }, merge);
    assert.equal(main.status, 200);
    assert.equal(main.json.status.replicas, undefined, 'main resource ignores status');
    const st = await s.request('PATCH', `${deploys}/web/status`, { status: { replicas: 2, observedGeneration: 2 }, spec: { replicas: 7 } }, merge);
    assert.equal(st.status, 200, st.text);
    assert.equal(st.json.status.replicas, 2);
    assert.equal(st.json.spec.replicas, 3, '/status ignores spec');
    assert.equal(st.json.metadata.generation, 2);
    const get = await s.request('GET', `${deploys}/web/status`);
    assert.equal(get.json.status.observedGeneration, 2);
  });

  it('scale subresource speaks autoscaling/v1 Scale', async () => {
    const g = await s.request('GET', `${deploys}/web/scale`);
    assert.equal(g.status, 200);
    assert.equal(g.json.kind, 'Scale');
    assert.equal(g.json.apiVersion, 'autoscaling/v1');
    assert.equal(g.json.spec.replicas, 3);
    assert.equal(g.json.status.selector, 'app=web');
    const p = await s.request('PATCH', `${deploys}/web/scale`, { spec: { replicas: 5 } }, merge);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.spec.replicas, 5);
    assert.equal((await s.request('GET', `${deploys}/web`)).json.spec.replicas, 5);
    const stale = await s.request('PUT', `${deploys}/web/scale`, { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', resourceVersion: '1' }, spec: { replicas: 1 } });
    assert.equal(stale.status, 409);
  });

  it('selector is immutable', async () => {
    const r = await s.request('PATCH', `${deploys}/web`, { spec: { selector: { matchLabels: { app: 'web', x: 'y' } }, template: { metadata: { labels: { app: 'web', x: 'y' } } } } }, merge);
    assert.equal(r.status, 422);
    assert.equal(r.json.details.causes[0].field, 'spec.selector');
  });

  it('json patch and merge patch replace lists; SMP 415 not triggered for built-ins; missing object → 404', async () => {
    const jp = await s.request('PATCH', `${deploys}/web`, [{ op: 'replace', path: '/spec/replicas', value: 2 }], jsonPatch);
    assert.equal(jp.status, 200, jp.text);
    assert.equal(jp.json.spec.replicas, 2);
    const badOp = await s.request('PATCH', `${deploys}/web`, [{ op: 'test', path: '/spec/replicas', value: 99 }], jsonPatch);
    assert.ok(badOp.status >= 400 && badOp.status < 500, badOp.text);
    const missing = await s.request('PATCH', `${deploys}/nope`, { spec: {} }, merge);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'deployments.apps "nope" not found');
    const rvPatch = await s.request('PATCH', `${deploys}/web`, { metadata: { resourceVersion: '1' }, spec: { replicas: 4 } }, smp);
    assert.equal(rvPatch.status, 409, 'resourceVersion in a patch body is a precondition');
    const bogus = await s.request('PATCH', `${deploys}/web`, '{}', { 'Content-Type': 'application/xml' });
    assert.equal(bogus.status, 415);
  });

  it('pod defaults, Pending status, binding, and update restrictions', async () => {
    const c = await s.request('POST', pods, pod('p1'));
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.status.phase, 'Pending');
    assert.equal(c.json.spec.dnsPolicy, 'ClusterFirst');
    assert.equal(c.json.spec.schedulerName, 'default-scheduler');
    assert.equal(c.json.spec.serviceAccountName, 'default');
    assert.equal(c.json.spec.terminationGracePeriodSeconds, 30);
    assert.equal(c.json.spec.containers[0].imagePullPolicy, 'Always', 'no tag means :latest');
    assert.equal(c.json.metadata.generation, undefined);
    const b = await s.request('POST', `${pods}/p1/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1' }, target: { apiVersion: 'v1', kind: 'Node', name: 'edge-1' } });
    assert.equal(b.status, 201, b.text);
    assert.equal(b.json.status, 'Success');
    const g = await s.request('GET', `${pods}/p1`);
    assert.equal(g.json.spec.nodeName, 'edge-1');
    assert.equal(g.json.status.conditions.find((x: any) => x.type === 'PodScheduled').status, 'True');
    const again = await s.request('POST', `${pods}/p1/binding`, { target: { name: 'edge-2' } });
    assert.equal(again.status, 409);
    assert.match(again.json.message, /already assigned to node "edge-1"/);
    const img = await s.request('PATCH', `${pods}/p1`, { spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } }, smp);
    assert.equal(img.status, 200, img.text);
    const bad = await s.request('PATCH', `${pods}/p1`, { spec: { restartPolicy: 'Never' } }, merge);
    assert.equal(bad.status, 422);
    const stale = await s.request('PUT', `${pods}/p1/status`, { ...g.json, status: { phase: 'Running' } });
    assert.equal(stale.status, 409, 'the image patch moved the resourceVersion');
    const fresh = (await s.request('GET', `${pods}/p1`)).json;
    const st = await s.request('PUT', `${pods}/p1/status`, { ...fresh, status: { phase: 'Running' } });
    assert.equal(st.status, 200, st.text);
    assert.equal(st.json.status.phase, 'Running');
  });

  it('graceful deletion of bound pods; unbound pods go at once', async () => {
    const del = await s.request('DELETE', `${pods}/p1`);
    assert.equal(del.status, 200);
    assert.ok(del.json.metadata.deletionTimestamp);
    assert.equal(del.json.metadata.deletionGracePeriodSeconds, 30);
    const still = await s.request('GET', `${pods}/p1`);
    assert.equal(still.status, 200);
    const now = await s.request('DELETE', `${pods}/p1?gracePeriodSeconds=0`);
    assert.equal(now.status, 200);
    assert.equal((await s.request('GET', `${pods}/p1`)).status, 404);
    await s.request('POST', pods, pod('p2'));
    const d2 = await s.request('DELETE', `${pods}/p2`);
    assert.equal(d2.status, 200);
    assert.equal((await s.request('GET', `${pods}/p2`)).status, 404, 'unbound pod is deleted at once');
  });

  it('finalizers keep an object with deletionTimestamp until removed; no new finalizers', async () => {
    await s.request('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'fin', finalizers: ['example.com/x'] } });
    const d = await s.request('DELETE', '/api/v1/namespaces/default/configmaps/fin');
    assert.equal(d.status, 200);
    assert.ok(d.json.metadata.deletionTimestamp);
    const add = await s.request('PATCH', '/api/v1/namespaces/default/configmaps/fin', { metadata: { finalizers: ['example.com/x', 'b'] } }, merge);
    assert.equal(add.status, 422);
    const unset = await s.request('PATCH', '/api/v1/namespaces/default/configmaps/fin', { metadata: { deletionTimestamp: null } }, merge);
    assert.ok(unset.json.metadata.deletionTimestamp, 'deletionTimestamp cannot be unset');
    const rm = await s.request('PATCH', '/api/v1/namespaces/default/configmaps/fin', { metadata: { finalizers: null } }, merge);
    assert.equal(rm.status, 200);
    assert.equal((await s.request('GET', '/api/v1/namespaces/default/configmaps/fin')).status, 404);
    await s.request('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'fg' } });
    const fg = await s.request('DELETE', '/api/v1/namespaces/default/configmaps/fg', { propagationPolicy: 'Foreground' });
    assert.deepEqual(fg.json.metadata.finalizers, ['foregroundDeletion']);
  });

  it('namespace deletion: Terminating, refuses new content, finalize removes it', async () => {
    await s.request('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await s.request('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'x' } });
    const d = await s.request('DELETE', '/api/v1/namespaces/doomed');
    assert.equal(d.status, 200);
    assert.equal(d.json.status.phase, 'Terminating');
    const create = await s.request('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'y' } });
    assert.equal(create.status, 403);
    const ns = (await s.request('GET', '/api/v1/namespaces/doomed')).json;
    ns.spec.finalizers = [];
    const fin = await s.request('PUT', '/api/v1/namespaces/doomed/finalize', ns);
    assert.equal(fin.status, 200, fin.text);
    assert.equal((await s.request('GET', '/api/v1/namespaces/doomed')).status, 404);
  });

  it('services get a unique cluster IP and defaults', async () => {
    const ips = new Set<string>();
    for (const n of ['s1', 's2', 's3']) {
      const r = await s.request('POST', '/api/v1/namespaces/default/services', { metadata: { name: n }, spec: { selector: { app: n }, ports: [{ port: 80 }] } });
      assert.equal(r.status, 201, r.text);
      assert.match(r.json.spec.clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\./);
      assert.equal(r.json.spec.type, 'ClusterIP');
      assert.equal(r.json.spec.ports[0].targetPort, 80);
      assert.equal(r.json.spec.ports[0].protocol, 'TCP');
      ips.add(r.json.spec.clusterIP);
    }
    assert.equal(ips.size, 3);
    const upd = await s.request('PUT', '/api/v1/namespaces/default/services/s1', { metadata: { name: 's1' }, spec: { selector: { app: 'z' }, ports: [{ port: 81 }] } });
    assert.equal(upd.status, 200, upd.text);
    assert.ok(ips.has(upd.json.spec.clusterIP), 'clusterIP kept on update');
  });

  it('lease MicroTime fields get exactly 6 fractional digits', async () => {
    const r = await s.request('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
      metadata: { name: 'n1' }, spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2026-01-01T00:00:08.883Z', acquireTime: '2026-01-01T00:00:08Z' },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.spec.renewTime, '2026-01-01T00:00:08.883000Z');
    assert.equal(r.json.spec.acquireTime, '2026-01-01T00:00:08.000000Z');
  });

  it('Table output for pods', async () => {
    await s.request('POST', pods, pod('tp'));
    const r = await s.request('GET', pods, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' });
    assert.equal(r.status, 200);
    assert.equal(r.json.kind, 'Table');
    assert.deepEqual(r.json.columnDefinitions.slice(0, 3).map((c: any) => c.name), ['Name', 'Ready', 'Status']);
    assert.equal(r.json.rows[0].cells[0], 'tp');
    assert.equal(r.json.rows[0].object.kind, 'PartialObjectMetadata');
    const one = await s.request('GET', `${pods}/tp`, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.equal(one.json.rows.length, 1);
  });

  it('logs/exec without a pod streamer → 503 naming the node', async () => {
    await s.request('POST', pods, pod('lp', { nodeName: 'edge-9' }));
    const r = await s.request('GET', `${pods}/lp/log`);
    assert.equal(r.status, 503);
    assert.match(r.json.message, /edge-9/);
    const unbound = await s.request('GET', `${pods}/tp/log`);
    assert.equal(unbound.status, 400);
  });
});
