import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { ApiError, R } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { createFakeKube } from '@kedge/core/testing/index.js';
import { CERT_BACKDATE_MS, createCA, issueCert } from '../pki/index.js';
import { DEFAULT_RETAIN_MS, REVOCATIONS_CONFIGMAP, REVOCATIONS_NAMESPACE, createRevocations } from './revocations.js';

const log = silentLogger();
const DAY = 86_400_000;
const T0 = Date.parse('2025-06-01T12:00:00Z');
const cm = (kube: ReturnType<typeof createFakeKube>) => kube.peek(R.configmaps, REVOCATIONS_NAMESPACE, REVOCATIONS_CONFIGMAP);

test('isRevoked compares the issue time (notBefore + backdate) with revokedAt, inclusive', async () => {
  const r = createRevocations({ client: createFakeKube(), log, now: () => T0 });
  await r.load();
  r.revoke('n1');
  const issuedAt = (t: number) => new Date(t - CERT_BACKDATE_MS);
  assert.equal(r.isRevoked('n1', issuedAt(T0 - 1000)), true, 'issued before');
  assert.equal(r.isRevoked('n1', issuedAt(T0)), true, 'issued at the instant of revocation');
  assert.equal(r.isRevoked('n1', issuedAt(T0 + 1000)), false, 'issued after');
  assert.equal(r.isRevoked('n2', issuedAt(T0 - 1000)), false, 'other nodes are not affected');
  assert.equal(r.isRevoked('n1', new Date(NaN)), true, 'an unreadable notBefore fails closed');
  await r.flush();
  r.close();
});

test('the backdate matches what the CA really writes into notBefore', async () => {
  const ca = await createCA('test-ca', 1);
  const before = Date.now();
  const leaf = new X509Certificate((await issueCert({ ca, cn: 'system:node:x', days: 1, usage: 'client' })).certPem);
  const r = createRevocations({ client: createFakeKube(), log });
  await r.load();
  r.revoke('x', before + 2000);
  assert.equal(r.isRevoked('x', new Date(leaf.validFrom)), true, 'a certificate issued just before the revocation');
  const r2 = createRevocations({ client: createFakeKube(), log });
  await r2.load();
  r2.revoke('x', before - 2000);
  assert.equal(r2.isRevoked('x', new Date(leaf.validFrom)), false, 'a certificate issued after the revocation');
  for (const x of [r, r2]) {
    await x.flush();
    x.close();
  }
});

test('revocations are persisted as RFC 3339 in kubeedge/revoked-nodes and loaded by the next instance', async () => {
  const kube = createFakeKube();
  let t = T0;
  const a = createRevocations({ client: kube, log, now: () => t });
  await a.load();
  a.revoke('edge-1');
  a.revoke('edge-2', T0 - 5000);
  await a.flush();
  assert.deepEqual(cm(kube)?.data, { 'edge-1': '2025-06-01T12:00:00.000Z', 'edge-2': '2025-06-01T11:59:55.000Z' });

  // Idempotent: an earlier or equal time does not write again; a later one moves revokedAt forward.
  kube.reset();
  a.revoke('edge-1', T0 - 1);
  a.revoke('edge-1');
  await a.flush();
  assert.equal(kube.writes().length, 0);
  t = T0 + 60_000;
  a.revoke('edge-2');
  await a.flush();
  assert.equal(cm(kube)?.data?.['edge-2'], '2025-06-01T12:01:00.000Z');
  a.close();

  const b = createRevocations({ client: kube, log, now: () => t });
  assert.equal(b.loaded(), false);
  await b.load();
  assert.equal(b.loaded(), true);
  assert.deepEqual(b.list().sort((x, y) => x.node.localeCompare(y.node)), [
    { node: 'edge-1', revokedAt: T0 },
    { node: 'edge-2', revokedAt: T0 + 60_000 },
  ]);
  assert.equal(b.isRevoked('edge-1', new Date(T0 - CERT_BACKDATE_MS - 1000)), true);
  b.close();
});

test('a write keeps entries another CloudCore added meanwhile', async () => {
  const kube = createFakeKube();
  const a = createRevocations({ client: kube, log, now: () => T0 });
  const b = createRevocations({ client: kube, log, now: () => T0 });
  await Promise.all([a.load(), b.load()]);
  a.revoke('from-a');
  await a.flush();
  b.revoke('from-b');
  await b.flush();
  assert.deepEqual(Object.keys(cm(kube)?.data ?? {}).sort(), ['from-a', 'from-b']);
  a.close();
  b.close();
});

test('entries older than the longest certificate lifetime are pruned at load and on write; bad times ignored', async () => {
  const kube = createFakeKube();
  kube.seed(R.configmaps, {
    metadata: { name: REVOCATIONS_CONFIGMAP, namespace: REVOCATIONS_NAMESPACE },
    data: {
      ancient: new Date(T0 - DEFAULT_RETAIN_MS - DAY).toISOString(),
      recent: new Date(T0 - 300 * DAY).toISOString(),
      garbage: 'yesterday-ish',
    },
  });
  const r = createRevocations({ client: kube, log, now: () => T0 });
  await r.load();
  assert.deepEqual(r.list().map((e) => e.node), ['recent']);
  await r.flush();
  assert.deepEqual(Object.keys(cm(kube)?.data ?? {}), ['recent'], 'the pruned list is written back');
  r.close();
});

test('a failing write is retried until it lands; revocation applies in memory at once', async () => {
  const kube = createFakeKube();
  let failures = 3;
  kube.prependReactor('create', 'configmaps', () => {
    if (failures-- > 0) throw new ApiError('ServiceUnavailable', 'apiserver is restarting');
    return undefined;
  });
  const r = createRevocations({ client: kube, log, now: () => T0 });
  await r.load();
  r.revoke('n');
  assert.equal(r.isRevoked('n', new Date(T0 - CERT_BACKDATE_MS)), true);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([r.flush(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('flush timed out')), 5000)))]);
  clearTimeout(timer);
  assert.ok(cm(kube)?.data?.n);
  r.close();
});

test('load fails on an API error other than NotFound and can be retried', async () => {
  const kube = createFakeKube();
  let fail = true;
  kube.prependReactor('get', 'configmaps', () => {
    if (fail) throw new ApiError('InternalError', 'boom');
    return undefined;
  });
  const r = createRevocations({ client: kube, log });
  await assert.rejects(r.load(), /boom/);
  assert.equal(r.loaded(), false);
  fail = false;
  await r.load();
  assert.equal(r.loaded(), true);
  r.close();
});
