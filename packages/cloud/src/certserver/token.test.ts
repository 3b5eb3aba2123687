import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { isApiError } from '@kedge/api';
import { createToken, parseJoinToken, verifyToken } from './token.js';

const caDer = randomBytes(300);
const caKey = randomBytes(121);
const T0 = Date.UTC(2030, 0, 1);
const DAY = 86_400_000;
const unauthorized = (re: RegExp) => (e: unknown) => isApiError(e) && e.reason === 'Unauthorized' && re.test(e.message);

test('token has KubeEdge form <sha256 hex>.<header>.<payload>.<sig> and round-trips', () => {
  const token = createToken(caDer, caKey, DAY, T0);
  const parts = token.split('.');
  assert.equal(parts.length, 4);
  assert.equal(parts[0], createHash('sha256').update(caDer).digest('hex'));
  assert.deepEqual(JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
  assert.deepEqual(JSON.parse(Buffer.from(parts[2]!, 'base64url').toString()), { exp: (T0 + DAY) / 1000 });
  const { caHash, jwt } = parseJoinToken(token);
  assert.equal(caHash, parts[0]);
  assert.deepEqual(verifyToken(jwt, caKey, T0 + DAY - 1000), { exp: (T0 + DAY) / 1000 });
});

test('signature is HMAC-SHA256 keyed by the CA key DER (interoperable with any HS256 JWT library)', async () => {
  const { createHmac } = await import('node:crypto');
  const [, h, p, s] = createToken(caDer, caKey, DAY, T0).split('.');
  assert.equal(s, createHmac('sha256', caKey).update(`${h}.${p}`).digest('base64url'));
});

test('refuses tampering, another key, expiry, alg none and garbage', () => {
  const { jwt } = parseJoinToken(createToken(caDer, caKey, DAY, T0));
  const [h, , s] = jwt.split('.');
  const longer = Buffer.from(JSON.stringify({ exp: (T0 + 365 * DAY) / 1000 })).toString('base64url');
  assert.throws(() => verifyToken(`${h}.${longer}.${s}`, caKey, T0), unauthorized(/signature/));
  assert.throws(() => verifyToken(jwt, randomBytes(121), T0), unauthorized(/signature/));
  assert.throws(() => verifyToken(jwt, caKey, T0 + DAY), unauthorized(/expired at 2030-01-02T00:00:00.000Z/));
  const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  assert.throws(() => verifyToken(`${none}.${jwt.split('.')[1]}.${s}`, caKey, T0), unauthorized(/algorithm "none"/));
  assert.throws(() => verifyToken(`${none}.${jwt.split('.')[1]}.`, caKey, T0), unauthorized(/malformed/));
  for (const bad of ['', 'a.b', 'a.b.c.d', '!!.??.**', `${h}.${h}`]) {
    assert.throws(() => verifyToken(bad, caKey, T0), unauthorized(/./), bad);
  }
  // Short signature must not reach timingSafeEqual (which throws on length mismatch).
  assert.throws(() => verifyToken(`${h}.${jwt.split('.')[1]}.AAAA`, caKey, T0), unauthorized(/signature/));
});

test('an older token stays valid after a refresh until its own exp', () => {
  const old = parseJoinToken(createToken(caDer, caKey, DAY, T0)).jwt;
  const fresh = parseJoinToken(createToken(caDer, caKey, DAY, T0 + DAY / 2)).jwt;
  assert.notEqual(old, fresh);
  verifyToken(old, caKey, T0 + DAY / 2 + 1);
  verifyToken(fresh, caKey, T0 + DAY + 1);
  assert.throws(() => verifyToken(old, caKey, T0 + DAY + 1), unauthorized(/expired/));
});

test('parseJoinToken names the malformed part', () => {
  const bad = (re: RegExp) => (e: unknown) => isApiError(e) && e.reason === 'BadRequest' && re.test(e.message) && !e.message.includes('\n');
  assert.throws(() => parseJoinToken('nodots'), bad(/no "\."/));
  assert.throws(() => parseJoinToken('abc.x.y.z'), bad(/64 hex digits, got 3/));
  assert.throws(() => parseJoinToken(`${'a'.repeat(64)}.x.y`), bad(/3 dot-separated/));
  assert.deepEqual(parseJoinToken(` ${'A'.repeat(64)}.x.y.z\n`), { caHash: 'a'.repeat(64), jwt: 'x.y.z' });
});
