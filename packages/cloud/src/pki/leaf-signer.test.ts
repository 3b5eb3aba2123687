import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { isApiError } from '@kedge/api';
import { createCA, createCSR, signCSR } from './index.js';
import { children, read, time } from '@kedge/core/der/index.js';
import { webcrypto, x509 } from './x509.js';

test('a signed request verifies with node:crypto and carries usage, SAN and key identifiers', async () => {
  const ca = await createCA('kubeedge', 1);
  const { csrPem } = await createCSR({ cn: 'system:node:e1', organizations: ['system:nodes'], dnsNames: ['e1'], ips: ['10.1.2.3'] });
  const cert = new X509Certificate(await signCSR(ca, csrPem, { days: 10, usage: 'client' }));
  const caCert = new X509Certificate(ca.certPem);
  assert.ok(cert.verify(caCert.publicKey));
  assert.ok(cert.checkIssued(caCert));
  assert.equal(cert.subject, 'CN=system:node:e1\nO=system:nodes');
  assert.equal(cert.subjectAltName, 'DNS:e1, IP Address:10.1.2.3');
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.equal(cert.ca, false);
  const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
  assert.ok(days > 10 && days < 10.01, `validity ${days} days`);
  const parsed = new x509.X509Certificate(cert.raw);
  const aki = parsed.getExtension(x509.AuthorityKeyIdentifierExtension);
  const caSki = ca.cert.getExtension(x509.SubjectKeyIdentifierExtension);
  assert.ok(aki && caSki);
  assert.equal(aki.keyId, caSki.keyId);
  assert.ok(parsed.getExtension(x509.SubjectKeyIdentifierExtension));
});

test('a leaf never outlives its CA', async () => {
  const ca = await createCA('short', 1);
  const cert = new X509Certificate(await signCSR(ca, (await createCSR({ cn: 'x' })).csrPem, { days: 5000, usage: 'server' }));
  assert.equal(Date.parse(cert.validTo), Math.floor(ca.cert.notAfter.getTime() / 1000) * 1000);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
});

test('signCSR refuses a key that is not P-256 and truncated DER', async () => {
  const ca = await createCA('kubeedge', 1);
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=x', keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' } });
  await assert.rejects(signCSR(ca, new Uint8Array(csr.rawData), { days: 1, usage: 'client' }), (e) => isApiError(e) && e.reason === 'BadRequest' && /P-256/.test(e.message));
  const der = new Uint8Array((await createCSR({ cn: 'x' })).csrPem.length);
  await assert.rejects(signCSR(ca, der, { days: 1, usage: 'client' }), (e) => isApiError(e) && e.reason === 'BadRequest');
  const good = Buffer.from((await createCSR({ cn: 'x' })).csrPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  await assert.rejects(signCSR(ca, new Uint8Array(good.subarray(0, good.length - 10)), { days: 1, usage: 'client' }), (e) => isApiError(e) && e.reason === 'BadRequest');
});

test('der: times switch to GeneralizedTime in 2050 and lengths over 127 bytes round-trip', () => {
  assert.equal(time(new Date(Date.UTC(2049, 11, 31, 23, 59, 59))).subarray(2).toString(), '491231235959Z');
  assert.equal(time(new Date(Date.UTC(2050, 0, 1))).subarray(2).toString(), '20500101000000Z');
  const long = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x2c]), Buffer.alloc(300, 0)]);
  assert.equal(read(long, 0).end, 304);
  const lying = Buffer.from([0x30, 0x03, 0x02, 0x05, 0x00]);
  assert.throws(() => children(lying, read(lying, 0)), /truncated/);
});
