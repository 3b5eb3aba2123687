import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateServiceAccountKey } from '../../pki/sa-signing-key.js';
import { startTestServer } from '../test-harness.js';
import type { UserInfo } from '../types.js';
import { verifyJwt } from './jwt.js';

const ADMIN = { authorization: 'Bearer admin' };
const tokenPath = (ns: string, name: string) => `/api/v1/namespaces/${ns}/serviceaccounts/${name}/token`;

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-sa-'));
  const key = loadOrCreateServiceAccountKey(join(dir, 'pki'));
  let clock = Date.parse('2026-03-01T12:00:00Z');
  const seen: UserInfo[] = [];
  const srv = await startTestServer({
    authenticator: { authenticate: (req) => (req.headers.authorization === 'Bearer admin' ? { name: 'admin', groups: ['system:masters'] } : undefined) },
    authorizer: { authorize: (u) => { seen.push(u); return true; } },
    now: () => new Date(clock),
    serviceAccountTokens: { key, lookupCacheMs: 5_000 },
  });
  const post = (path: string, body: unknown) => srv.request('POST', path, body, ADMIN);
  assert.equal((await post('/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'app' } })).status, 201);
  const close = async () => { await srv.close(); rmSync(dir, { recursive: true, force: true }); };
  return { srv, key, dir, seen, post, close, advance: (ms: number) => { clock += ms; } };
}

test('sa.key/sa.pub: created once as P-256, reloaded unchanged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-sakey-'));
  try {
    const a = loadOrCreateServiceAccountKey(dir);
    assert.equal(a.privateKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(statSync(join(dir, 'sa.key')).mode & 0o777, 0o600);
    const pub = readFileSync(join(dir, 'sa.pub'), 'utf8');
    const b = loadOrCreateServiceAccountKey(dir);
    assert.equal(b.privateKey.export({ type: 'pkcs8', format: 'pem' }), a.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    assert.equal(readFileSync(join(dir, 'sa.pub'), 'utf8'), pub);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TokenRequest: defaults, claims, expiry bounds, discovery', async () => {
  const { key, post, srv, close } = await setup();
  try {
    const res = await post(tokenPath('default', 'app'), { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.kind, 'TokenRequest');
    assert.equal(res.json.apiVersion, 'authentication.k8s.io/v1');
    assert.deepEqual(res.json.spec.audiences, ['https://kubernetes.default.svc.cluster.local']);
    assert.equal(res.json.spec.expirationSeconds, 3600);
    assert.equal(res.json.status.expirationTimestamp, '2026-03-01T13:00:00Z');
    const claims = verifyJwt(res.json.status.token, key.publicKey)!;
    const sa = (await srv.request('GET', '/api/v1/namespaces/default/serviceaccounts/app', undefined, ADMIN)).json;
    assert.equal(claims.iss, 'https://kubernetes.default.svc.cluster.local');
    assert.equal(claims.sub, 'system:serviceaccount:default:app');
    assert.equal(claims.iat, Date.parse('2026-03-01T12:00:00Z') / 1000);
    assert.equal(claims.nbf, claims.iat);
    assert.equal(claims.exp, (claims.iat as number) + 3600);
    assert.deepEqual(claims['kubernetes.io'], { namespace: 'default', serviceaccount: { name: 'app', uid: sa.metadata.uid } });
    const header = JSON.parse(Buffer.from(res.json.status.token.split('.')[0], 'base64url').toString());
    assert.equal(header.alg, 'ES256');

    const long = await post(tokenPath('default', 'app'), { spec: { expirationSeconds: 7 * 86400, audiences: ['vault'] } });
    assert.equal(long.status, 201);
    assert.equal(long.json.spec.expirationSeconds, 48 * 3600, 'capped to the 48 h maximum');
    assert.deepEqual(verifyJwt(long.json.status.token, key.publicKey)!.aud, ['vault']);
    const short = await post(tokenPath('default', 'app'), { spec: { expirationSeconds: 599 } });
    assert.equal(short.status, 422);
    assert.equal(short.json.reason, 'Invalid');
    assert.equal(short.json.details.causes[0].field, 'spec.expirationSeconds');
    assert.equal((await post(tokenPath('default', 'app'), { spec: { expirationSeconds: 600 } })).status, 201);

    const disc = (await srv.request('GET', '/api/v1', undefined, ADMIN)).json;
    const sub = disc.resources.find((r: { name: string }) => r.name === 'serviceaccounts/token');
    assert.deepEqual({ kind: sub.kind, group: sub.group, verbs: sub.verbs }, { kind: 'TokenRequest', group: 'authentication.k8s.io', verbs: ['create'] });
    const oapi = (await srv.request('GET', '/openapi/v3/api/v1', undefined, ADMIN)).json;
    assert.ok(oapi.paths['/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token'].post);
  } finally {
    await close();
  }
});

test('TokenRequest errors: missing SA 404, bad body 400, bad fields 422, bound object must exist', async () => {
  const { post, srv, close } = await setup();
  try {
    const missing = await post(tokenPath('default', 'ghost'), { spec: {} });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'serviceaccounts "ghost" not found');
    assert.equal((await srv.request('POST', tokenPath('default', 'app'), 'not json', ADMIN)).status, 400);
    assert.equal((await post(tokenPath('default', 'app'), { kind: 'Pod', spec: {} })).status, 400);
    const bad = await post(tokenPath('default', 'app'), { spec: { audiences: 'x', expirationSeconds: 'soon', boundObjectRef: { kind: 'Node' } } });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.json.details.causes.map((c: { field: string }) => c.field), ['spec.audiences', 'spec.expirationSeconds', 'spec.boundObjectRef.kind', 'spec.boundObjectRef.name']);
    const noPod = await post(tokenPath('default', 'app'), { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'nope' } } });
    assert.equal(noPod.status, 404);
    const pod = (await post('/api/v1/namespaces/default/pods', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } })).json;
    const wrongUid = await post(tokenPath('default', 'app'), { spec: { boundObjectRef: { kind: 'Pod', name: 'p', uid: 'other' } } });
    assert.equal(wrongUid.status, 409);
    const ok = await post(tokenPath('default', 'app'), { spec: { boundObjectRef: { kind: 'Pod', name: 'p' } } });
    assert.equal(ok.status, 201);
    assert.deepEqual(ok.json.spec.boundObjectRef, { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: pod.metadata.uid });
  } finally {
    await close();
  }
});

test('issued tokens authenticate as the service account until expiry, SA deletion or bound pod deletion', async () => {
  const { post, srv, seen, advance, close } = await setup();
  try {
    const get = (token: string) => srv.request('GET', '/api/v1/namespaces/default/configmaps', undefined, { authorization: `Bearer ${token}` });
    const plain = (await post(tokenPath('default', 'app'), { spec: {} })).json.status.token as string;
    seen.length = 0;
    assert.equal((await get(plain)).status, 200);
    assert.deepEqual(seen.at(-1), { name: 'system:serviceaccount:default:app', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] });
    assert.equal((await get(`${plain.slice(0, -4)}AAAA`)).status, 401, 'tampered signature');
    const foreignAud = (await post(tokenPath('default', 'app'), { spec: { audiences: ['vault'] } })).json.status.token as string;
    assert.equal((await get(foreignAud)).status, 401, 'audience not accepted by this API server');

    await post('/api/v1/namespaces/default/pods', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const bound = (await post(tokenPath('default', 'app'), { spec: { boundObjectRef: { kind: 'Pod', name: 'p' } } })).json.status.token as string;
    assert.equal((await get(bound)).status, 200);
    assert.equal((await srv.request('DELETE', '/api/v1/namespaces/default/pods/p?gracePeriodSeconds=0', undefined, ADMIN)).status, 200);
    assert.equal((await get(bound)).status, 200, 'cached for lookupCacheMs');
    advance(6_000);
    assert.equal((await get(bound)).status, 401, 'bound pod deleted');
    assert.equal((await get(plain)).status, 200);

    advance(3600_000);
    assert.equal((await get(plain)).status, 401, 'expired');
  } finally {
    await close();
  }
});
