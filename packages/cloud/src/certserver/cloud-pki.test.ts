import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { R, isApiError, type KubeObject } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { createFakeKube } from '@kedge/core/testing/index.js';
import { loadOrCreateCloudPKI } from './cloud-pki.js';
import { TokenManager, readTokenFromSecret } from './token-manager.js';
import { parseJoinToken } from './token.js';

const log = silentLogger();
type Secret = KubeObject & { data: Record<string, string> };
const secretBytes = (s: Secret | undefined, key: string) => Buffer.from(s!.data[key]!, 'base64');

test('first load creates namespace and secrets in KubeEdge layout; second load reuses them', async () => {
  const kube = createFakeKube();
  const a = await loadOrCreateCloudPKI(kube, { advertiseAddresses: ['10.0.0.5'], dnsNames: ['cloud.example'], log });
  assert.ok(kube.peek(R.namespaces, undefined, 'kubeedge'));
  const ca = kube.peek<Secret>(R.secrets, 'kubeedge', 'casecret');
  const cc = kube.peek<Secret>(R.secrets, 'kubeedge', 'cloudcoresecret');
  // DER in `data`, key as SEC1 DER (Go's MarshalECPrivateKey), as KubeEdge stores them.
  const caCert = new X509Certificate(secretBytes(ca, 'cadata'));
  assert.deepEqual(new Uint8Array(secretBytes(ca, 'cadata')), a.caDer);
  assert.equal(caCert.subject, 'CN=KubeEdge\nO=KubeEdge');
  assert.ok(caCert.ca);
  const caKey = createPrivateKey({ key: secretBytes(ca, 'cakeydata'), format: 'der', type: 'sec1' });
  assert.equal(caKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.ok(caCert.checkPrivateKey(caKey));
  const serving = new X509Certificate(secretBytes(cc, 'cloudcoredata'));
  assert.ok(serving.checkIssued(caCert) && serving.verify(caCert.publicKey));
  assert.equal(serving.subject, 'CN=KubeEdge\nO=KubeEdge');
  assert.equal(serving.checkIP('10.0.0.5'), '10.0.0.5');
  assert.equal(serving.checkIP('127.0.0.1'), '127.0.0.1');
  assert.ok(serving.checkHost('cloud.example'));
  assert.ok(serving.checkPrivateKey(createPrivateKey({ key: secretBytes(cc, 'cloudcorekeydata'), format: 'der', type: 'sec1' })));
  assert.ok(serving.checkPrivateKey(createPrivateKey(a.serverKeyPem)));

  kube.reset();
  const b = await loadOrCreateCloudPKI(kube, { advertiseAddresses: ['10.0.0.5'], dnsNames: ['cloud.example'], log });
  assert.deepEqual(kube.writes().filter((w) => w.verb !== 'create' || w.resource !== 'namespaces'), [], 'nothing rewritten');
  assert.deepEqual(b.caDer, a.caDer);
  assert.equal(new X509Certificate(b.serverCertPem).fingerprint256, serving.fingerprint256);
  assert.deepEqual(b.caKeyDer, a.caKeyDer);
});

test('serving certificate is re-issued when the advertise addresses change, CA kept', async () => {
  const kube = createFakeKube();
  const a = await loadOrCreateCloudPKI(kube, { advertiseAddresses: ['10.0.0.5'], log });
  const b = await loadOrCreateCloudPKI(kube, { advertiseAddresses: ['10.0.0.6'], log });
  assert.deepEqual(b.caDer, a.caDer);
  const cert = new X509Certificate(b.serverCertPem);
  assert.notEqual(cert.fingerprint256, new X509Certificate(a.serverCertPem).fingerprint256);
  assert.equal(cert.checkIP('10.0.0.6'), '10.0.0.6');
  assert.equal(cert.checkIP('10.0.0.5'), undefined);
  const stored = new X509Certificate(secretBytes(kube.peek<Secret>(R.secrets, 'kubeedge', 'cloudcoresecret'), 'cloudcoredata'));
  assert.equal(stored.fingerprint256, cert.fingerprint256);
});

test('a CA secret missing its key is an error, not a silent new CA', async () => {
  const kube = createFakeKube();
  kube.seed(R.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'casecret', namespace: 'kubeedge' }, data: { cadata: 'AAAA' } } as KubeObject);
  await assert.rejects(loadOrCreateCloudPKI(kube, { advertiseAddresses: [], log }), (e) => isApiError(e) && /cakeydata/.test(e.message));
});

test('TokenManager writes tokensecret, tokens verify against the CA key, gettoken reads it', async () => {
  await assert.rejects(readTokenFromSecret(createFakeKube()), (e) => isApiError(e) && e.reason === 'NotFound' && /tokensecret/.test(e.message));
  const kube = createFakeKube();
  const pki = await loadOrCreateCloudPKI(kube, { advertiseAddresses: [], log });
  // Written by the PKI load already, so `kedge gettoken` works before the TokenManager starts.
  assert.equal(await readTokenFromSecret(kube), pki.token);
  // Tokens are deterministic per second of exp, so the fake clock starts a second ahead.
  let now = Date.now() + 1000;
  const tm = new TokenManager({ client: kube, pki, log, refreshMs: 20, now: () => now });
  assert.equal(tm.current(), pki.token);
  const ctl = new AbortController();
  const running = tm.start(ctl.signal);
  const deadline = Date.now() + 5000;
  const waitForChange = async (from: string) => {
    while ((await readTokenFromSecret(kube)) === from) {
      assert.ok(Date.now() < deadline, 'token refreshed');
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  await waitForChange(pki.token);
  const first = await readTokenFromSecret(kube);
  assert.equal(first, tm.current());
  assert.equal(parseJoinToken(first).caHash, createHash('sha256').update(pki.caDer).digest('hex'));
  tm.verify(parseJoinToken(first).jwt);
  now += 1000;
  await waitForChange(first);
  assert.equal(await readTokenFromSecret(kube), tm.current());
  // The replaced tokens still verify until they expire (24 h).
  tm.verify(parseJoinToken(first).jwt);
  tm.verify(parseJoinToken(pki.token).jwt);
  now += 25 * 3_600_000;
  assert.throws(() => tm.verify(parseJoinToken(first).jwt), /expired/);
  ctl.abort();
  await running;
});

test('a stored token that no longer verifies is replaced at load', async () => {
  const kube = createFakeKube();
  const a = await loadOrCreateCloudPKI(kube, { advertiseAddresses: [], log });
  const stale = a.token.slice(0, -4) + 'AAAA';
  const s = kube.peek<Secret>(R.secrets, 'kubeedge', 'tokensecret')!;
  await kube.update(R.secrets, { ...s, data: { tokendata: Buffer.from(stale).toString('base64') } });
  const b = await loadOrCreateCloudPKI(kube, { advertiseAddresses: [], log });
  assert.notEqual(b.token, stale);
  assert.equal(await readTokenFromSecret(kube), b.token);
});
