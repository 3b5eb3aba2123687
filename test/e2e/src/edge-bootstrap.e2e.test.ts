import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isApiError } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { createFakeKube } from '@kedge/core/testing/index.js';
import { TokenManager, createCertServer, createToken, loadOrCreateCloudPKI, type CloudPKI } from '@kedge/cloud/certserver/index.js';
import { bootstrapEdgeCerts, renewEdgeCert } from '@kedge/edge/bootstrap/index.js';

// The cloud's :10002 certificate server driven by the edge's bootstrap client over real HTTPS.

const log = silentLogger();
let pki: CloudPKI;
let tokens: TokenManager;
let server: Server;
let certServer: string;
let root: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'kedge-bootstrap-e2e-'));
  const kube = createFakeKube();
  pki = await loadOrCreateCloudPKI(kube, { advertiseAddresses: ['127.0.0.1'], log });
  tokens = new TokenManager({ client: kube, pki, log });
  const cs = createCertServer({ pki, tokens, log });
  server = createServer({ key: pki.serverKeyPem, cert: pki.serverCertPem, requestCert: true, rejectUnauthorized: false }, cs.handleRequest);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  certServer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
});

const oneLine = (re: RegExp) => (e: unknown) => isApiError(e) && re.test(e.message) && !e.message.includes('\n');

test('a good token yields ca.crt, edge.crt and a 0600 edge.key that chain to the cloud CA', async () => {
  const dir = join(root, 'good');
  const got = await bootstrapEdgeCerts({ certServer, token: tokens.current(), nodeName: 'edge-a', dir, log, timeoutMs: 5000 });
  const ca = new X509Certificate(readFileSync(join(dir, 'ca.crt')));
  assert.deepEqual(new Uint8Array(ca.raw), pki.caDer);
  const cert = new X509Certificate(readFileSync(join(dir, 'edge.crt')));
  assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey));
  assert.equal(cert.subject, 'CN=system:node:edge-a\nO=system:nodes');
  assert.ok(cert.checkPrivateKey(createPrivateKey(readFileSync(join(dir, 'edge.key')))));
  assert.equal(statSync(join(dir, 'edge.key')).mode & 0o777, 0o600);
  assert.equal(got.certPath, join(dir, 'edge.crt'));
  assert.equal(got.certPem, readFileSync(join(dir, 'edge.crt'), 'utf8'));
});

test('a token signed with another key is refused with one line', async () => {
  const forged = createToken(pki.caDer, Buffer.from('some other key'), 3_600_000);
  await assert.rejects(
    bootstrapEdgeCerts({ certServer, token: forged, nodeName: 'edge-b', dir: join(root, 'forged'), log, timeoutMs: 5000 }),
    oneLine(/^the cloud refused the token: token signature is invalid/),
  );
  const expired = createToken(pki.caDer, pki.caKeyDer, 1000, Date.now() - 60_000);
  await assert.rejects(
    bootstrapEdgeCerts({ certServer, token: expired, nodeName: 'edge-b', dir: join(root, 'expired'), log, timeoutMs: 5000 }),
    oneLine(/^the cloud refused the token: token expired at /),
  );
});

test('a token from another cloud fails the CA hash check before any CSR is sent', async () => {
  const other = await loadOrCreateCloudPKI(createFakeKube(), { advertiseAddresses: [], log });
  const token = createToken(other.caDer, other.caKeyDer, 3_600_000);
  await assert.rejects(
    bootstrapEdgeCerts({ certServer, token, nodeName: 'edge-c', dir: join(root, 'mismatch'), log, timeoutMs: 5000 }),
    oneLine(/^CA hash mismatch: the token was not issued by this cloud \(expected [0-9a-f]{64}, got [0-9a-f]{64}\)$/),
  );
});

test('renewEdgeCert rotates the key and certificate using the current certificate', async () => {
  const dir = join(root, 'rotate');
  const first = await bootstrapEdgeCerts({ certServer, token: tokens.current(), nodeName: 'edge-d', dir, log, timeoutMs: 5000 });
  const second = await renewEdgeCert({ certServer, nodeName: 'edge-d', dir, log, timeoutMs: 5000 });
  assert.notEqual(second.keyPem, first.keyPem);
  const cert = new X509Certificate(readFileSync(join(dir, 'edge.crt')));
  assert.notEqual(cert.fingerprint256, new X509Certificate(first.certPem).fingerprint256);
  assert.ok(cert.checkPrivateKey(createPrivateKey(readFileSync(join(dir, 'edge.key')))));
  assert.equal(cert.subject, 'CN=system:node:edge-d\nO=system:nodes');
  // Another node's certificate cannot renew edge-d's identity.
  const other = join(root, 'rotate-other');
  await bootstrapEdgeCerts({ certServer, token: tokens.current(), nodeName: 'edge-e', dir: other, log, timeoutMs: 5000 });
  await assert.rejects(renewEdgeCert({ certServer, nodeName: 'edge-d', dir: other, log, timeoutMs: 5000 }), oneLine(/^the cloud refused the current certificate: client certificate CN/));
});
