import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './test-harness.js';

const cm = (name: string, data: Record<string, string> = { a: '1' }, labels?: Record<string, string>) => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(labels ? { labels } : {}) }, data,
});

describe('apiserver CRUD', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer(); });
  after(async () => { await s.close(); });

  it('serves health and version without auth data', async () => {
    const v = await s.request('GET', '/version');
    assert.equal(v.status, 200);
    assert.equal(v.json.minor, '32');
    assert.match(v.json.gitVersion, /^v1\.32\./);
    const h = await s.request('GET', '/healthz');
    assert.equal(h.text, 'ok');
  });

  it('creates built-in namespaces at start', async () => {
    const r = await s.request('GET', '/api/v1/namespaces');
    assert.equal(r.status, 200);
    const names = r.json.items.map((n: any) => n.metadata.name).sort();
    assert.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    assert.equal(r.json.items[0].status.phase, 'Active');
    assert.deepEqual(r.json.items[0].spec.finalizers, ['kubernetes']);
  });

  it('create → 201 with metadata; get; 409 on duplicate; 404 on missing', async () => {
    const c = await s.request('POST', '/api/v1/namespaces/default/configmaps', cm('c1'));
    assert.equal(c.status, 201, c.text);
    const m = c.json.metadata;
    assert.match(m.uid, /^[0-9a-f-]{36}$/);
    assert.match(m.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(m.namespace, 'default');
    assert.match(m.resourceVersion, /^\d+$/);
    const g = await s.request('GET', '/api/v1/namespaces/default/configmaps/c1');
    assert.equal(g.status, 200);
    assert.deepEqual(g.json.data, { a: '1' });
    assert.equal(g.json.metadata.resourceVersion, m.resourceVersion);
    const dup = await s.request('POST', '/api/v1/namespaces/default/configmaps', cm('c1'));
    assert.equal(dup.status, 409);
    assert.equal(dup.json.reason, 'AlreadyExists');
    assert.equal(dup.json.kind, 'Status');
    const nf = await s.request('GET', '/api/v1/namespaces/default/configmaps/nope');
    assert.equal(nf.status, 404);
    assert.equal(nf.json.message, 'configmaps "nope" not found');
  });

  it('namespace must exist', async () => {
    const r = await s.request('POST', '/api/v1/namespaces/ghost/configmaps', cm('x'));
    assert.equal(r.status, 404);
    assert.equal(r.json.message, 'namespaces "ghost" not found');
  });

  it('update with stale resourceVersion → 409, without RV → unconditional', async () => {
    const c = await s.request('POST', '/api/v1/namespaces/default/configmaps', cm('c2'));
    const rv = c.json.metadata.resourceVersion;
    const u1 = await s.request('PUT', '/api/v1/namespaces/default/configmaps/c2', { ...cm('c2', { a: '2' }), metadata: { name: 'c2', resourceVersion: rv } });
    assert.equal(u1.status, 200, u1.text);
    assert.ok(Number(u1.json.metadata.resourceVersion) > Number(rv));
    assert.equal(u1.json.metadata.uid, c.json.metadata.uid);
    const stale = await s.request('PUT', '/api/v1/namespaces/default/configmaps/c2', { ...cm('c2', { a: '3' }), metadata: { name: 'c2', resourceVersion: rv } });
    assert.equal(stale.status, 409);
    assert.equal(stale.json.reason, 'Conflict');
    assert.match(stale.json.message, /Operation cannot be fulfilled on configmaps "c2"/);
    const blind = await s.request('PUT', '/api/v1/namespaces/default/configmaps/c2', cm('c2', { a: '4' }));
    assert.equal(blind.status, 200);
    assert.equal(blind.json.data.a, '4');
    const missing = await s.request('PUT', '/api/v1/namespaces/default/configmaps/zz', cm('zz'));
    assert.equal(missing.status, 404);
  });

  it('generateName appends 5 chars from the upstream alphabet', async () => {
    const r = await s.request('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } });
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('validation: bad names → 422 with causes; wrong kind → 400; namespace mismatch → 400', async () => {
    const bad = await s.request('POST', '/api/v1/namespaces/default/configmaps', cm('Bad_Name'));
    assert.equal(bad.status, 422);
    assert.equal(bad.json.reason, 'Invalid');
    assert.equal(bad.json.details.causes[0].field, 'metadata.name');
    const kind = await s.request('POST', '/api/v1/namespaces/default/configmaps', { ...cm('k'), kind: 'Secret' });
    assert.equal(kind.status, 400);
    const ns = await s.request('POST', '/api/v1/namespaces/default/configmaps', { ...cm('k'), metadata: { name: 'k', namespace: 'kube-system' } });
    assert.equal(ns.status, 400);
    assert.match(ns.json.message, /does not match the namespace/);
    const svc = await s.request('POST', '/api/v1/namespaces/default/services', { metadata: { name: '1svc' }, spec: { ports: [{ port: 80 }] } });
    assert.equal(svc.status, 422, 'services need DNS-1035 names');
    const pod = await s.request('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'p' }, spec: { containers: [] } });
    assert.equal(pod.status, 422);
    assert.equal(pod.json.details.causes[0].field, 'spec.containers');
  });

  it('malformed JSON → 400, oversize → 413, unknown content type → 415, unknown path → 404, bad method → 405', async () => {
    const mal = await s.request('POST', '/api/v1/namespaces/default/configmaps', '{"metadata":');
    assert.equal(mal.status, 400);
    assert.equal(mal.json.kind, 'Status');
    const big = await s.request('POST', '/api/v1/namespaces/default/configmaps', cm('big', { x: 'y'.repeat(4 * 1024 * 1024) }));
    assert.equal(big.status, 413);
    const ct = await s.request('POST', '/api/v1/namespaces/default/configmaps', 'x', { 'Content-Type': 'text/csv' });
    assert.equal(ct.status, 415);
    const nf = await s.request('GET', '/api/v1/nothings');
    assert.equal(nf.status, 404);
    assert.equal(nf.json.message, 'the server could not find the requested resource');
    const m = await s.request('POST', '/api/v1/namespaces/default/configmaps/c1', cm('c1'));
    assert.equal(m.status, 405);
    const ok = await s.request('GET', '/api/v1/namespaces/default/configmaps/c1');
    assert.equal(ok.status, 200, 'server still healthy');
  });

  it('list: items [] never null, RV = current revision, selectors, limit/continue', async () => {
    const empty = await s.request('GET', '/api/v1/namespaces/kube-public/configmaps');
    assert.deepEqual(empty.json.items, []);
    assert.equal(empty.json.kind, 'ConfigMapList');
    for (let i = 0; i < 5; i++) await s.request('POST', '/api/v1/namespaces/kube-public/configmaps', cm(`l${i}`, {}, { n: String(i), even: String(i % 2 === 0) }));
    const all = await s.request('GET', '/api/v1/namespaces/kube-public/configmaps');
    assert.equal(all.json.items.length, 5);
    assert.equal(all.json.metadata.resourceVersion, String(s.backend.currentRevision()));
    const sel = await s.request('GET', '/api/v1/namespaces/kube-public/configmaps?labelSelector=' + encodeURIComponent('even=true,n notin (4)'));
    assert.deepEqual(sel.json.items.map((i: any) => i.metadata.name), ['l0', 'l2']);
    const fs = await s.request('GET', '/api/v1/namespaces/kube-public/configmaps?fieldSelector=metadata.name%3Dl3');
    assert.deepEqual(fs.json.items.map((i: any) => i.metadata.name), ['l3']);
    const badFs = await s.request('GET', '/api/v1/namespaces/kube-public/configmaps?fieldSelector=spec.foo%3Dx');
    assert.equal(badFs.status, 400);
    const names: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const p = await s.request('GET', `/api/v1/namespaces/kube-public/configmaps?limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      assert.equal(p.status, 200, p.text);
      names.push(...p.json.items.map((i: any) => i.metadata.name));
      cont = p.json.metadata.continue ?? '';
      pages++;
      if (pages === 1) await s.request('POST', '/api/v1/namespaces/kube-public/configmaps', cm('l9'));
    } while (cont && pages < 10);
    assert.deepEqual(names, ['l0', 'l1', 'l2', 'l3', 'l4'], 'pages are consistent at the first page revision');
    const filtered = await s.request('GET', '/api/v1/namespaces/kube-public/configmaps?limit=1&labelSelector=even%3Dtrue');
    assert.equal(filtered.json.items.length, 1);
    assert.ok(filtered.json.metadata.continue);
    const cluster = await s.request('GET', '/api/v1/configmaps');
    assert.ok(cluster.json.items.length >= 6);
  });

  it('dryRun=All validates but persists nothing', async () => {
    const before = s.backend.currentRevision();
    const c = await s.request('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', cm('dry'));
    assert.equal(c.status, 201);
    assert.equal((await s.request('GET', '/api/v1/namespaces/default/configmaps/dry')).status, 404);
    const p = await s.request('PATCH', '/api/v1/namespaces/default/configmaps/c1?dryRun=All', { data: { a: 'dry' } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(p.status, 200);
    assert.equal(p.json.data.a, 'dry');
    const d = await s.request('DELETE', '/api/v1/namespaces/default/configmaps/c1?dryRun=All');
    assert.equal(d.status, 200);
    assert.equal((await s.request('GET', '/api/v1/namespaces/default/configmaps/c1')).json.data.a, '1');
    assert.equal(s.backend.currentRevision(), before);
    const bad = await s.request('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', cm('BAD'));
    assert.equal(bad.status, 422);
  });

  it('fieldValidation Strict → 400, Warn → Warning header, and unknown fields are pruned', async () => {
    const body = { ...cm('fv'), bogus: 1 };
    const strict = await s.request('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', body);
    assert.equal(strict.status, 400, strict.text);
    assert.equal(strict.json.message, 'strict decoding error: unknown field "bogus"');
    const warn = await s.request('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Warn', body);
    assert.equal(warn.status, 201);
    assert.match(String(warn.headers.warning), /299 - "unknown field \\"bogus\\""/);
    assert.equal(warn.json.bogus, undefined);
  });

  it('delete: 200 with the object, then 404; preconditions → 409', async () => {
    const c = await s.request('POST', '/api/v1/namespaces/default/configmaps', cm('del'));
    const pre = await s.request('DELETE', '/api/v1/namespaces/default/configmaps/del', { preconditions: { uid: 'other' } });
    assert.equal(pre.status, 409);
    const d = await s.request('DELETE', '/api/v1/namespaces/default/configmaps/del', { propagationPolicy: 'Background' });
    assert.equal(d.status, 200);
    assert.equal(d.json.metadata.uid, c.json.metadata.uid);
    assert.equal((await s.request('GET', '/api/v1/namespaces/default/configmaps/del')).status, 404);
  });

  it('deletecollection with a label selector', async () => {
    for (const n of ['dc1', 'dc2', 'dc3']) await s.request('POST', '/api/v1/namespaces/default/configmaps', cm(n, {}, { grp: n === 'dc3' ? 'keep' : 'drop' }));
    const r = await s.request('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=grp%3Ddrop');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, 2);
    const left = await s.request('GET', '/api/v1/namespaces/default/configmaps?labelSelector=grp');
    assert.deepEqual(left.json.items.map((i: any) => i.metadata.name), ['dc3']);
  });
});
