import { test } from 'node:test';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isApiError } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { bootstrapEdgeCerts, certNeedsRotation, certServerUrl, rotationDeadline } from './bootstrap.js';
import { createNodeCSR } from './csr.js';
import { webcrypto, x509 } from './x509.js';

const log = silentLogger();
const DAY = 86_400_000;
const token = `${'ab'.repeat(32)}.eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2ln`;
const oneLine = (re: RegExp, reason?: string) => (e: unknown) =>
  isApiError(e) && re.test(e.message) && !e.message.includes('\n') && (reason === undefined || e.reason === reason);

async function selfSigned(notBefore: number, days: number): Promise<string> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: 'CN=system:node:n', notBefore: new Date(notBefore), notAfter: new Date(notBefore + days * DAY),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, keys,
  });
  return cert.toString('pem');
}

test('CSR carries the subject edgecore sends, for a P-256 key', async () => {
  const { csrDer, keyPem } = await createNodeCSR('peer-edge-1');
  const csr = new x509.Pkcs10CertificateRequest(csrDer);
  assert.equal(csr.subject, 'C=CN, ST=Zhejiang, L=Hangzhou, O=system:nodes, CN=system:node:peer-edge-1');
  assert.ok(await csr.verify());
  assert.equal((csr.publicKey.algorithm as { namedCurve?: string }).namedCurve, 'P-256');
  assert.match(keyPem, /^-----BEGIN EC PRIVATE KEY-----/);
  const spki = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  assert.deepEqual(new Uint8Array(spki), new Uint8Array(csr.publicKey.rawData));
});

test('rotation deadline falls between 70 % and 90 % of the lifetime and is stable per certificate', async () => {
  const t0 = Date.UTC(2030, 0, 1);
  for (let i = 0; i < 3; i++) {
    const pem = await selfSigned(t0, 100);
    const at = rotationDeadline(pem).getTime();
    assert.ok(at >= t0 + 70 * DAY && at <= t0 + 90 * DAY, `deadline day ${(at - t0) / DAY}`);
    assert.equal(rotationDeadline(pem).getTime(), at);
    assert.equal(certNeedsRotation(pem, t0 + 69 * DAY), false);
    assert.equal(certNeedsRotation(pem, at - 1), false);
    assert.equal(certNeedsRotation(pem, at), true);
    assert.equal(certNeedsRotation(pem, t0 + 91 * DAY), true);
  }
});

test('certServerUrl accepts host:port and refuses plain http', () => {
  assert.equal(certServerUrl('10.0.0.1:10002', '/ca.crt').href, 'https://10.0.0.1:10002/ca.crt');
  assert.equal(certServerUrl('https://cloud:10002/', '/edge.crt').href, 'https://cloud:10002/edge.crt');
  assert.throws(() => certServerUrl('http://cloud:10002', '/ca.crt'), oneLine(/must be https/));
});

test('a malformed token fails before any network traffic', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-boot-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Port 9 on loopback is never dialled: the token check comes first.
  await assert.rejects(bootstrapEdgeCerts({ certServer: 'https://127.0.0.1:9', token: 'garbage', nodeName: 'n', dir, log }), oneLine(/malformed token/, 'BadRequest'));
});

test('an unreachable cloud is one line naming the address and ECONNREFUSED', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-boot-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  await assert.rejects(
    bootstrapEdgeCerts({ certServer: `https://127.0.0.1:${port}`, token, nodeName: 'n', dir, log, timeoutMs: 2000 }),
    oneLine(new RegExp(`^cannot reach the cloud at https://127\\.0\\.0\\.1:${port}: ECONNREFUSED$`), 'ServiceUnavailable'),
  );
});

test('a cloud that accepts but never answers times out with one line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-boot-'));
  const sockets: Socket[] = [];
  const srv = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => srv.close(r));
    rmSync(dir, { recursive: true, force: true });
  });
  const port = (srv.address() as AddressInfo).port;
  await assert.rejects(
    bootstrapEdgeCerts({ certServer: `127.0.0.1:${port}`, token, nodeName: 'n', dir, log, timeoutMs: 200 }),
    oneLine(/^timed out after 200 ms waiting for the cloud at https:\/\/127\.0\.0\.1:\d+$/, 'Timeout'),
  );
});
