import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import { connect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@kedge/core';
import { createFakeKube } from '@kedge/core/testing/index.js';
import { createCSR, pemToDer } from '../pki/index.js';
import { loadOrCreateCloudPKI, type CloudPKI } from './cloud-pki.js';
import { TokenManager } from './token-manager.js';
import { createCertServer } from './cert-server.js';
import { createToken, parseJoinToken } from './token.js';
import { createRevocations, type Revocations } from '../cloudhub/revocations.js';

const log = silentLogger();
let pki: CloudPKI;
let tokens: TokenManager;
let server: Server;
let port: number;
let revocations: Revocations;

before(async () => {
  const kube = createFakeKube();
  pki = await loadOrCreateCloudPKI(kube, { advertiseAddresses: ['127.0.0.1'], log });
  tokens = new TokenManager({ client: kube, pki, log });
  revocations = createRevocations({ client: kube, log });
  await revocations.load();
  const cs = createCertServer({ pki, tokens, log, revocations, nodeExists: async (n) => n === 'edge-1' });
  server = createServer({ key: pki.serverKeyPem, cert: pki.serverCertPem, requestCert: true, rejectUnauthorized: false }, cs.handleRequest);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  await revocations.flush();
  revocations.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

interface RawResponse { status: number; headers: string; body: Buffer }

/**
 * Writes the request bytes exactly as given over TLS (verifying the server against the cloud CA) and
 * parses the response; this is how Go's net/http talks, header case and all.
 */
function raw(head: string, body: Uint8Array = new Uint8Array(), tlsOpts: { cert?: string; key?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port, ca: pki.caCertPem, ...tlsOpts }, () => {
      sock.write(Buffer.concat([Buffer.from(head.replaceAll('\n', '\r\n') + '\r\n'), body]));
    });
    const chunks: Buffer[] = [];
    sock.setTimeout(5000, () => sock.destroy(new Error('raw request timed out')));
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', reject);
    sock.on('end', () => {
      const all = Buffer.concat(chunks);
      const sep = all.indexOf('\r\n\r\n');
      const headers = all.subarray(0, sep).toString();
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(headers)?.[1]), headers, body: all.subarray(sep + 4) });
    });
  });
}

/** A GET shaped like KubeEdge v1.22 edgecore's (appendix "observed on the wire"): body, Nodename, no Content-Type. */
function edgecoreGet(node: string, body: Uint8Array, auth?: string, tlsOpts?: { cert?: string; key?: string }): Promise<RawResponse> {
  const lines = ['GET /edge.crt HTTP/1.1', `Host: 127.0.0.1:${port}`, 'User-Agent: Go-http-client/1.1', `Content-Length: ${body.length}`];
  if (auth !== undefined) lines.push(`Authorization: ${auth}`);
  lines.push(`Nodename: ${node}`, 'Accept-Encoding: gzip', 'Connection: close', '');
  return raw(lines.join('\n'), body, tlsOpts);
}

const bearer = () => `Bearer ${parseJoinToken(tokens.current()).jwt}`;
const nodeCSR = async (cn: string, o = ['system:nodes']) => {
  const { csrPem, keyPem } = await createCSR({ cn, organizations: o });
  return { der: pemToDer(csrPem), keyPem };
};

test('GET /ca.crt returns the CA DER without authentication', async () => {
  const r = await raw(`GET /ca.crt HTTP/1.1\nHost: 127.0.0.1:${port}\nUser-Agent: Go-http-client/1.1\nAccept-Encoding: gzip\nConnection: close\n`);
  assert.equal(r.status, 200);
  assert.deepEqual(new Uint8Array(r.body), pki.caDer);
});

test('an edgecore-shaped GET /edge.crt gets a DER certificate for the node', async () => {
  const { der, keyPem } = await nodeCSR('system:node:peer-edge-1');
  const r = await edgecoreGet('peer-edge-1', der, bearer());
  assert.equal(r.status, 200, r.body.toString());
  const cert = new X509Certificate(r.body);
  const ca = new X509Certificate(pki.caCertPem);
  assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey));
  assert.equal(cert.subject, 'CN=system:node:peer-edge-1\nO=system:nodes');
  assert.ok(cert.checkPrivateKey(createPrivateKey(keyPem)));
  assert.match(cert.toLegacyObject().ext_key_usage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.2/);
  const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
  assert.ok(days > 364 && days < 366, `lifetime ${days}`);
});

test('token problems are 401 with the cause in the body', async () => {
  const { der } = await nodeCSR('system:node:edge-1');
  const missing = await edgecoreGet('edge-1', der);
  assert.equal(missing.status, 401);
  assert.match(missing.body.toString(), /missing bearer token/);
  const forged = parseJoinToken(createToken(pki.caDer, Buffer.from('not the ca key'), 3_600_000)).jwt;
  const bad = await edgecoreGet('edge-1', der, `Bearer ${forged}`);
  assert.equal(bad.status, 401);
  assert.match(bad.body.toString(), /signature is invalid/);
  const expired = parseJoinToken(createToken(pki.caDer, pki.caKeyDer, 1000, Date.now() - 60_000)).jwt;
  const old = await edgecoreGet('edge-1', der, `Bearer ${expired}`);
  assert.equal(old.status, 401);
  assert.match(old.body.toString(), /expired/);
  const basic = await edgecoreGet('edge-1', der, 'Basic Zm9vOmJhcg==');
  assert.equal(basic.status, 401);
});

test('malformed CSRs are 400, CN/O mismatches 403, bad headers 400, oversize 413', async () => {
  const garbage = await edgecoreGet('edge-1', Buffer.from('this is not a certificate request'), bearer());
  assert.equal(garbage.status, 400);
  assert.match(garbage.body.toString(), /certificate request/);
  const empty = await edgecoreGet('edge-1', new Uint8Array(), bearer());
  assert.equal(empty.status, 400);
  const other = await nodeCSR('system:node:edge-2');
  const cn = await edgecoreGet('edge-1', other.der, bearer());
  assert.equal(cn.status, 403);
  assert.match(cn.body.toString(), /CN "system:node:edge-2"/);
  const org = await nodeCSR('system:node:edge-1', ['system:masters']);
  assert.equal((await edgecoreGet('edge-1', org.der, bearer())).status, 403);
  const good = await nodeCSR('system:node:edge-1');
  assert.equal((await edgecoreGet('../etc', good.der, bearer())).status, 400);
  const noName = await raw(`GET /edge.crt HTTP/1.1\nHost: x\nAuthorization: ${bearer()}\nContent-Length: ${good.der.length}\nConnection: close\n`, good.der);
  assert.equal(noName.status, 400);
  assert.match(noName.body.toString(), /NodeName/);
  const big = await raw(`GET /edge.crt HTTP/1.1\nHost: x\nNodename: edge-1\nAuthorization: ${bearer()}\nContent-Length: ${2 << 20}\nConnection: close\n`);
  assert.equal(big.status, 413);
  // The server is still fine afterwards.
  assert.equal((await edgecoreGet('edge-1', good.der, bearer())).status, 200);
});

test('ExtKeyUsages header selects server and client usages', async () => {
  const { der } = await nodeCSR('system:node:edge-1');
  const lines = ['GET /edge.crt HTTP/1.1', 'Host: x', `Content-Length: ${der.length}`, `Authorization: ${bearer()}`, 'NodeName: edge-1', 'ExtKeyUsages: [1,2]', 'Connection: close', ''];
  const r = await raw(lines.join('\n'), der);
  assert.equal(r.status, 200);
  const eku = new X509Certificate(r.body).toLegacyObject().ext_key_usage ?? [];
  assert.deepEqual([...eku].sort(), ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  const bad = await raw(lines.join('\n').replace('[1,2]', 'nope'), der);
  assert.equal(bad.status, 400);
});

test('rotation: the current node certificate authenticates instead of a token', async () => {
  const first = await nodeCSR('system:node:edge-1');
  const issued = await edgecoreGet('edge-1', first.der, bearer());
  assert.equal(issued.status, 200);
  const client = { cert: new X509Certificate(issued.body).toString(), key: first.keyPem };
  const next = await nodeCSR('system:node:edge-1');
  const rotated = await edgecoreGet('edge-1', next.der, undefined, client);
  assert.equal(rotated.status, 200, rotated.body.toString());
  assert.ok(new X509Certificate(rotated.body).checkPrivateKey(createPrivateKey(next.keyPem)));
  // edge-1's certificate cannot obtain one for edge-2.
  const other = await nodeCSR('system:node:edge-2');
  const refused = await edgecoreGet('edge-2', other.der, undefined, client);
  assert.equal(refused.status, 401);
  assert.match(refused.body.toString(), /CN "system:node:edge-1" is not system:node:edge-2/);
});

test('GET /node/{name} answers from nodeExists; unknown paths 404', async () => {
  const found = await raw(`GET /node/edge-1 HTTP/1.1\nHost: x\nConnection: close\n`);
  assert.equal(found.status, 200);
  assert.equal(found.body.toString().trim(), 'Node found');
  assert.equal((await raw(`GET /node/nope HTTP/1.1\nHost: x\nConnection: close\n`)).status, 404);
  assert.equal((await raw(`GET /node/%ZZ HTTP/1.1\nHost: x\nConnection: close\n`)).status, 400);
  assert.equal((await raw(`GET /nothing HTTP/1.1\nHost: x\nConnection: close\n`)).status, 404);
  assert.equal((await raw(`DELETE /ca.crt HTTP/1.1\nHost: x\nConnection: close\n`)).status, 405);
});

test('a revoked node cannot renew with its old certificate; a token join still works, and its new certificate renews', async () => {
  const first = await nodeCSR('system:node:edge-rv');
  const issued = await edgecoreGet('edge-rv', first.der, bearer());
  assert.equal(issued.status, 200);
  const oldClient = { cert: new X509Certificate(issued.body).toString(), key: first.keyPem };
  revocations.revoke('edge-rv');
  const refused = await edgecoreGet('edge-rv', (await nodeCSR('system:node:edge-rv')).der, undefined, oldClient);
  assert.equal(refused.status, 403);
  assert.match(refused.body.toString().trim(), /^node "edge-rv" is revoked: [^\n]+$/);

  // X.509 validity has whole seconds; a join in the second of the revocation would count as older.
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
  const rejoin = await nodeCSR('system:node:edge-rv');
  const joined = await edgecoreGet('edge-rv', rejoin.der, bearer(), oldClient);
  assert.equal(joined.status, 200, 'a valid token wins over the revoked certificate');
  const newClient = { cert: new X509Certificate(joined.body).toString(), key: rejoin.keyPem };
  const renewed = await edgecoreGet('edge-rv', (await nodeCSR('system:node:edge-rv')).der, undefined, newClient);
  assert.equal(renewed.status, 200, renewed.body.toString());
  assert.equal((await edgecoreGet('edge-rv', (await nodeCSR('system:node:edge-rv')).der, undefined, oldClient)).status, 403);
});
