import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createServer, request, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { isApiError } from '@kedge/api';
import { createCA, createCSR, issueCert, loadCA, pemToDer, signCSR, derToPem } from './index.js';

test('ca and issued leaf form a chain node:crypto accepts', async () => {
  const ca = await createCA('test-ca', 1);
  const leaf = await issueCert({ ca, cn: 'svc', organizations: ['g1', 'g2'], dnsNames: ['example.test'], ips: ['10.0.0.1', '::1'], days: 10, usage: 'server' });
  const caCert = new X509Certificate(ca.certPem);
  const cert = new X509Certificate(leaf.certPem);
  assert.equal(caCert.ca, true);
  assert.equal(cert.ca, false);
  assert.ok(cert.checkIssued(caCert));
  assert.ok(cert.verify(caCert.publicKey));
  assert.ok(caCert.verify(caCert.publicKey), 'ca is self-signed');
  assert.match(cert.subject, /CN=svc/);
  assert.match(cert.subject, /O=g1/);
  assert.equal(cert.checkHost('example.test', { subject: 'never' }), 'example.test');
  assert.equal(cert.checkIP('10.0.0.1'), '10.0.0.1');
  assert.equal(cert.checkIP('::1'), '::1');
  assert.equal(cert.checkHost('other.test'), undefined);
  assert.equal(createPrivateKey(leaf.keyPem).asymmetricKeyDetails?.namedCurve, 'prime256v1');
  // 10 days, not the CA's year.
  const lifeDays = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
  assert.ok(lifeDays > 9 && lifeDays < 11, `lifetime ${lifeDays}`);
  const other = await createCA('other-ca', 1);
  assert.equal(cert.checkIssued(new X509Certificate(other.certPem)), false);
});

test('loadCA round-trips and rejects a foreign key', async () => {
  const ca = await createCA('a', 1);
  const other = await createCA('b', 1);
  const loaded = await loadCA(ca.certPem, ca.keyPem);
  const leaf = await issueCert({ ca: loaded, cn: 'x', days: 1, usage: 'client' });
  assert.ok(new X509Certificate(leaf.certPem).checkIssued(new X509Certificate(ca.certPem)));
  await assert.rejects(loadCA(ca.certPem, other.keyPem), /does not match/);
});

test('pem helpers round-trip der', async () => {
  const ca = await createCA('a', 1);
  const der = pemToDer(ca.certPem, 'CERTIFICATE');
  assert.equal(derToPem(der, 'CERTIFICATE').replace(/\s/g, ''), ca.certPem.replace(/\s/g, ''));
  assert.throws(() => pemToDer(ca.certPem, 'PRIVATE KEY'), /no PEM block/);
});

test('mutual TLS round trip: server sees client CN and O', async () => {
  const ca = await createCA('mtls-ca', 1);
  const server = await issueCert({ ca, cn: 'server', dnsNames: ['localhost'], ips: ['127.0.0.1'], days: 1, usage: 'server' });
  const client = await issueCert({ ca, cn: 'alice', organizations: ['system:masters'], days: 1, usage: 'client' });
  const srv: Server = createServer({ key: server.keyPem, cert: server.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    res.end(JSON.stringify({ cn: peer.subject.CN, o: peer.subject.O }));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const port = (srv.address() as AddressInfo).port;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', ca: ca.certPem, cert: client.certPem, key: client.keyPem, agent: false, timeout: 5000 }, (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve(data));
      });
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end();
    });
    assert.deepEqual(JSON.parse(body), { cn: 'alice', o: 'system:masters' });
    // The cipher is ECDHE-ECDSA because every key is P-256.
    const cipher = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', ca: ca.certPem, cert: client.certPem, key: client.keyPem, agent: false, maxVersion: 'TLSv1.2', timeout: 5000 }, (res) => {
        resolve((res.socket as TLSSocket).getCipher().name);
        res.resume();
      });
      req.on('error', reject);
      req.end();
    });
    assert.match(cipher, /^ECDHE-ECDSA-/);
  } finally {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  }
});

test('signCSR issues for a valid request and keeps its SANs', async () => {
  const ca = await createCA('edge-ca', 1);
  const { csrPem, keyPem } = await createCSR({ cn: 'system:node:edge-1', organizations: ['system:nodes'], dnsNames: ['edge-1'], ips: ['192.168.1.5'] });
  const certPem = await signCSR(ca, csrPem, { days: 30, usage: 'both', expectCN: 'system:node:edge-1', expectO: ['system:nodes'] });
  const cert = new X509Certificate(certPem);
  assert.ok(cert.checkIssued(new X509Certificate(ca.certPem)));
  assert.ok(cert.verify(new X509Certificate(ca.certPem).publicKey));
  assert.match(cert.subject, /CN=system:node:edge-1/);
  assert.equal(cert.checkIP('192.168.1.5'), '192.168.1.5');
  assert.ok(cert.checkPrivateKey(createPrivateKey(keyPem)));
  // DER input works as well.
  const fromDer = await signCSR(ca, pemToDer(csrPem), { days: 1, usage: 'client' });
  assert.ok(new X509Certificate(fromDer).checkIssued(new X509Certificate(ca.certPem)));
});

test('signCSR refuses a bad signature, a CN or O mismatch and garbage', async () => {
  const ca = await createCA('edge-ca', 1);
  const { csrPem } = await createCSR({ cn: 'system:node:edge-1', organizations: ['system:nodes'] });
  const der = Buffer.from(pemToDer(csrPem));
  // Flip a bit in the signature's last byte: the structure still parses, the signature does not verify.
  der[der.length - 2] = der[der.length - 2]! ^ 0x01;
  await assert.rejects(signCSR(ca, der, { days: 1, usage: 'client' }), (e) => isApiError(e) && e.reason === 'BadRequest' && /signature/.test(e.message));
  await assert.rejects(signCSR(ca, csrPem, { days: 1, usage: 'client', expectCN: 'system:node:edge-2' }), (e) => isApiError(e) && e.reason === 'Forbidden' && /CN/.test(e.message));
  await assert.rejects(signCSR(ca, csrPem, { days: 1, usage: 'client', expectO: ['system:masters'] }), (e) => isApiError(e) && e.reason === 'Forbidden');
  await assert.rejects(signCSR(ca, new Uint8Array([1, 2, 3]), { days: 1, usage: 'client' }), (e) => isApiError(e) && e.reason === 'BadRequest');
});
