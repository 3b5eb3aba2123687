import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { R, isAlreadyExists, isExpired, isNotFound, isApiError, type KubeObject } from '@kedge/api';
import { createKubeClient } from './http-client.js';
import { loadKubeconfig } from './kubeconfig.js';
import { TokenBucket } from './rate-limiter.js';
import { MiniApiServer } from '../testing/mini-api-server.js';

const srv = new MiniApiServer();
before(() => srv.start());
after(() => srv.stop());

const pod = (name: string): KubeObject => ({ metadata: { name, namespace: 'ns' }, spec: {} });

test('CRUD maps to REST calls and Status bodies to ApiErrors', async () => {
  const c = createKubeClient({ server: srv.url, userAgent: 'kedge-test', token: 't0k' });
  const created = await c.create(R.pods, pod('a'));
  assert.equal(created.metadata.name, 'a');
  const posted = srv.requests.at(-1)!;
  assert.equal(posted.method, 'POST');
  assert.equal(posted.url, '/api/v1/namespaces/ns/pods');
  assert.equal(posted.headers['user-agent'], 'kedge-test');
  assert.equal(posted.headers.authorization, 'Bearer t0k');
  assert.equal(JSON.parse(posted.body).kind, 'Pod');
  await assert.rejects(c.create(R.pods, pod('a')), isAlreadyExists);
  await assert.rejects(c.get(R.pods, 'ns', 'nope'), (e) => isNotFound(e) && (e as Error).message === 'pods "nope" not found');
  assert.equal((await c.get(R.pods, 'ns', 'a')).metadata.name, 'a');
  for (const [type, ct] of [['merge', 'application/merge-patch+json'], ['strategic', 'application/strategic-merge-patch+json'], ['json', 'application/json-patch+json']] as const) {
    await c.patch(R.pods, 'ns', 'a', type, type === 'json' ? [] : {}, { subresource: 'status', dryRun: true });
    const r = srv.requests.at(-1)!;
    assert.equal(r.headers['content-type'], ct);
    assert.equal(r.url, '/api/v1/namespaces/ns/pods/a/status?dryRun=All');
  }
  await c.delete(R.pods, 'ns', 'a', { propagationPolicy: 'Foreground' });
  assert.deepEqual(JSON.parse(srv.requests.at(-1)!.body), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' });
  const list = await c.list(R.pods, undefined, { limit: 5, labelSelector: 'a=b' });
  assert.deepEqual(list.items, []);
  assert.equal(srv.requests.at(-1)!.url, '/api/v1/pods?limit=5&labelSelector=a%3Db');
});

test('connection failure is ServiceUnavailable with the cause', async () => {
  const dead = new MiniApiServer();
  await dead.start();
  const url = dead.url;
  await dead.stop();
  const c = createKubeClient({ server: url });
  await assert.rejects(c.get(R.pods, 'ns', 'x'), (e) => isApiError(e) && e.reason === 'ServiceUnavailable' && (e as Error).cause !== undefined);
});

test('watch streams events, ends on abort, and turns 410 into Expired', async () => {
  const c = createKubeClient({ server: srv.url });
  const base = srv.upsert({ metadata: { name: 'w0', namespace: 'ns' } });
  const ac = new AbortController();
  const seen: string[] = [];
  const run = (async () => {
    for await (const e of c.watch(R.pods, 'ns', { resourceVersion: base.metadata.resourceVersion, allowWatchBookmarks: true }, ac.signal)) {
      seen.push(`${e.type}:${e.object.metadata.name ?? e.object.metadata.resourceVersion}`);
      if (seen.length === 3) ac.abort();
    }
  })();
  const until = Date.now() + 2000;
  while (srv.watcherCount() === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  srv.upsert({ metadata: { name: 'w1', namespace: 'ns' } });
  srv.bookmark();
  srv.remove('ns', 'w1');
  await run;
  assert.deepEqual(seen.map((s) => s.split(':')[0]), ['ADDED', 'BOOKMARK', 'DELETED']);
  assert.match(srv.requests.at(-1)!.url, /watch=true/);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(srv.watcherCount(), 0, 'server side closed after abort');

  srv.compact();
  for (const asEvent of [true, false]) {
    srv.expiredAsEvent = asEvent;
    await assert.rejects(async () => {
      for await (const _ of c.watch(R.pods, undefined, { resourceVersion: '1' }, new AbortController().signal)) void _;
    }, isExpired);
  }
  srv.expiredAsEvent = true;
});

test('breaking out of a watch closes the request', async () => {
  const c = createKubeClient({ server: srv.url });
  for await (const e of c.watch(R.pods, undefined, {}, new AbortController().signal)) {
    assert.equal(e.type, 'ADDED');
    break;
  }
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(srv.watcherCount(), 0);
});

test('token bucket spaces requests beyond the burst', async () => {
  const b = new TokenBucket(50, 2);
  const t0 = Date.now();
  await Promise.all([b.take(), b.take(), b.take(), b.take()]);
  const took = Date.now() - t0;
  assert.ok(took >= 30, `4 takes at 50 qps burst 2 should take ~40 ms, took ${took}`);
});

test('loadKubeconfig resolves contexts, inline data and relative files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-kc-'));
  try {
    writeFileSync(join(dir, 'ca.crt'), 'CA-PEM');
    writeFileSync(join(dir, 'config'), [
      'apiVersion: v1', 'kind: Config', 'current-context: one',
      'clusters:',
      '- name: c1', '  cluster: {server: "https://127.0.0.1:6443", certificate-authority: ca.crt}',
      '- name: c2', '  cluster: {server: "http://h:1", insecure-skip-tls-verify: true}',
      'users:',
      `- name: u1`, `  user: {client-certificate-data: ${Buffer.from('CERT').toString('base64')}, client-key-data: ${Buffer.from('KEY').toString('base64')}}`,
      '- name: u2', '  user: {token: abc}',
      'contexts:',
      '- name: one', '  context: {cluster: c1, user: u1}',
      '- name: two', '  context: {cluster: c2, user: u2}',
    ].join('\n'));
    assert.deepEqual(loadKubeconfig(join(dir, 'config')), { server: 'https://127.0.0.1:6443', caPem: 'CA-PEM', certPem: 'CERT', keyPem: 'KEY' });
    assert.deepEqual(loadKubeconfig(join(dir, 'config'), 'two'), { server: 'http://h:1', token: 'abc', insecureSkipTLSVerify: true });
    assert.throws(() => loadKubeconfig(join(dir, 'config'), 'three'), /context "three" not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
