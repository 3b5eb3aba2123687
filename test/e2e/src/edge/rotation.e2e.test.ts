import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Group, Op, ResType, Source, buildEdgeResource, isApiError, newMessage } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { startFaultProxy, type FaultProxy } from '@kedge/core/testing/fault-proxy.js';
import { loadCAFromDer } from '@kedge/cloud/pki/kubeedge-ca.js';
import { encodeName, signLeafDer } from '@kedge/cloud/pki/leaf-signer.js';
import { derToPem } from '@kedge/cloud/pki/pem.js';
import { bootstrapEdgeCerts, certNeedsRotation, type EdgeCerts } from '@kedge/edge/bootstrap/index.js';
import { certRotationModule } from '@kedge/edge/edgecore/cert-rotation.js';
import { createEdgeHub, type EdgeHub, type EdgeTls } from '@kedge/edge/edgehub/index.js';
import { createNodeStatus } from '@kedge/edge/nodestatus/index.js';
import { startCloud, type Cloud } from '../harness/edge-link.js';
import { sleep, waitFor } from '../harness/wait.js';
import { EDGE_LABEL, must, waitNodeReady } from './fixtures.js';

// Issue 3: "certificate rotation before expiry without losing the link for long". A real cloud, an
// in-process EdgeHub + node status + rotation module, so each rotation is driven by checkNow().
//
// The edge certificate is aged by re-signing its public key with the cloud's CA, backdated 100 days
// with 2 left. Rotation then runs on the real clock: an injected clock far ahead would make the
// fresh certificate (issued by the cloud on *its* real clock) look due as well, so "a second check
// does nothing" could not be asserted honestly.

const NODE = 'edge-rotation-1';
const DAY = 86_400_000;
const log = silentLogger();

let cloud: Cloud;
let hubProxy: FaultProxy;
let certProxy: FaultProxy;
let dir: string;
let certs: EdgeCerts;
let hub: EdgeHub;
const stop = new AbortController();
const running: Promise<void>[] = [];
/** The certificate EdgeHub presented on each dial, in order. */
const dialled: string[] = [];
const linkEvents: { e: 'connected' | 'disconnected'; at: number }[] = [];

const readFiles = () => ({ cert: readFileSync(certs.certPath, 'utf8'), key: readFileSync(certs.keyPath, 'utf8') });
const serialOf = (pem: string) => new X509Certificate(pem).serialNumber;
const cnOf = (pem: string) => /(?:^|\n)CN=([^\n]*)/.exec(new X509Certificate(pem).subject)?.[1];

/** Replaces edge.crt with one for the same key, issued 100 days ago and expiring in 2: due for rotation. */
async function ageEdgeCert(): Promise<string> {
  const secret = await must(cloud.kube.get('/api/v1/namespaces/kubeedge/secrets/casecret'));
  const ca = await loadCAFromDer(Buffer.from(secret.data.cadata, 'base64'), Buffer.from(secret.data.cakeydata, 'base64'));
  const spki = createPublicKey(createPrivateKey(readFileSync(certs.keyPath, 'utf8'))).export({ type: 'spki', format: 'der' });
  const der = signLeafDer(ca, {
    subject: encodeName(`system:node:${NODE}`, ['system:nodes']), spki, days: 102, usage: 'client', now: Date.now() - 100 * DAY,
  });
  const pem = derToPem(der, 'CERTIFICATE');
  writeFileSync(certs.certPath, pem, { mode: 0o644 });
  assert.ok(certNeedsRotation(pem), 'the aged certificate must be due');
  return pem;
}

const readySinceOf = (node: any): string | undefined =>
  (node?.status?.conditions as { type: string; lastTransitionTime?: string }[] | undefined)?.find((c) => c.type === 'Ready')?.lastTransitionTime;

function queryNode(h: EdgeHub) {
  const msg = newMessage({ source: Source.edged, group: Group.meta, operation: Op.query, resource: buildEdgeResource('default', ResType.node, NODE) });
  return h.request(msg, 5_000);
}

async function assertLinkServes(): Promise<void> {
  const reply = await queryNode(hub);
  assert.notEqual(reply.route.operation, Op.error, `node query refused: ${JSON.stringify(reply.content)}`);
  assert.equal((reply.content as { metadata?: { name?: string } }).metadata?.name, NODE);
}

const rotation = () => certRotationModule({
  certServer: `https://127.0.0.1:${certProxy.port}`, nodeName: NODE, caFile: certs.caPath, certFile: certs.certPath, keyFile: certs.keyPath, log,
  onRotated: () => hub.reconnect('certificate rotated'),
});

before(async () => {
  cloud = await startCloud();
  hubProxy = await startFaultProxy({ target: { host: '127.0.0.1', port: cloud.hubPort } });
  certProxy = await startFaultProxy({ target: { host: '127.0.0.1', port: cloud.certServerPort } });
  dir = mkdtempSync(join(tmpdir(), 'kedge-rotation-e2e-'));
  certs = await bootstrapEdgeCerts({ certServer: `https://127.0.0.1:${certProxy.port}`, token: await cloud.getToken(), nodeName: NODE, dir, log, timeoutMs: 10_000 });
  hub = createEdgeHub({
    server: `127.0.0.1:${hubProxy.port}`,
    nodeName: NODE,
    tls: (): EdgeTls => {
      const t = { caPem: readFileSync(certs.caPath, 'utf8'), certPem: readFileSync(certs.certPath, 'utf8'), keyPem: readFileSync(certs.keyPath, 'utf8') };
      dialled.push(t.certPem);
      return t;
    },
    heartbeatMs: 2_000,
    log,
  });
  hub.onConnection((e) => linkEvents.push({ e, at: Date.now() }));
  const status = createNodeStatus({ link: hub, nodeName: NODE, labels: { [EDGE_LABEL]: '' }, dataDir: dir, updateMs: 2_000, leaseMs: 2_000, log });
  running.push(hub.start(stop.signal), status.start(stop.signal));
  await waitNodeReady(cloud.kube, NODE);
});

after(async () => {
  stop.abort();
  await Promise.race([Promise.allSettled(running), sleep(5_000)]);
  await hubProxy?.close();
  await certProxy?.close();
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a certificate that is not due is left alone', async () => {
  const before = readFiles();
  const connects = hub.stats().connects;
  assert.equal(await rotation().checkNow(), false);
  assert.deepEqual(readFiles(), before);
  await sleep(300);
  assert.equal(hub.stats().connects, connects);
});

test('a due certificate is rotated and EdgeHub redials with it within 3 s', async () => {
  const old = { ...readFiles(), cert: await ageEdgeCert() };
  const rot = rotation();
  const connects = hub.stats().connects;
  const accepted = hubProxy.stats().accepted;
  const eventsBefore = linkEvents.length;
  const readySince = readySinceOf(await waitNodeReady(cloud.kube, NODE));
  assert.ok(readySince, 'Ready has a lastTransitionTime');

  assert.equal(await rot.checkNow(), true);
  const now = readFiles();
  assert.notEqual(serialOf(now.cert), serialOf(old.cert), 'new serial');
  assert.equal(cnOf(now.cert), `system:node:${NODE}`);
  assert.equal(cnOf(now.cert), cnOf(old.cert));
  assert.notEqual(now.key, old.key, 'key file replaced');
  assert.equal(statSync(certs.keyPath).mode & 0o777, 0o600);
  const cert = new X509Certificate(now.cert);
  const ca = new X509Certificate(readFileSync(certs.caPath, 'utf8'));
  assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey), 'the new certificate chains to the cloud CA');
  assert.ok(cert.checkPrivateKey(createPrivateKey(now.key)), 'the new certificate is for the new key');
  assert.ok(Date.parse(cert.validTo) - Date.now() > 300 * DAY, `a full lifetime: ${cert.validTo}`);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.rotate-')), [], 'no scratch directory left');

  // CloudHub sees a new TCP + mTLS connection, made with the new certificate.
  await waitFor(() => hub.stats().connects > connects && hub.isConnected(), { timeoutMs: 5_000, message: 'edgehub to reconnect' });
  assert.equal(hub.stats().connects, connects + 1);
  assert.equal(hubProxy.stats().accepted, accepted + 1);
  assert.equal(dialled.at(-1), now.cert, 'the redial presented the rotated certificate');
  const events = linkEvents.slice(eventsBefore);
  assert.deepEqual(events.map((x) => x.e), ['disconnected', 'connected']);
  const gapMs = events[1]!.at - events[0]!.at;
  assert.ok(gapMs < 3_000, `link down for ${gapMs} ms`);

  await assertLinkServes();
  // Ready throughout: the condition has not transitioned since before the rotation.
  assert.equal(readySinceOf(await waitNodeReady(cloud.kube, NODE, 10_000)), readySince);

  // Right after, the fresh certificate is not due: nothing is touched and the link stays as it is.
  assert.equal(await rot.checkNow(), false);
  assert.deepEqual(readFiles(), now);
  await sleep(500);
  assert.equal(hub.stats().connects, connects + 1);
  assert.ok(hub.isConnected());
});

test('certificate server unreachable: checkNow fails, the old certificate stays, the link stays up', async () => {
  const old = { ...readFiles(), cert: await ageEdgeCert() };
  const rot = rotation();
  const connects = hub.stats().connects;
  certProxy.block();
  try {
    await assert.rejects(rot.checkNow(), (err: unknown) => {
      assert.ok(isApiError(err), String(err));
      assert.equal(err.reason, 'ServiceUnavailable');
      assert.match(err.message, /^cannot reach the cloud at https:\/\/127\.0\.0\.1:\d+: /);
      return true;
    });
  } finally {
    certProxy.unblock();
  }
  assert.deepEqual(readFiles(), old, 'old certificate and key in place');
  assert.equal(statSync(certs.keyPath).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.rotate-')), [], 'no scratch directory left');
  assert.ok(hub.isConnected());
  assert.equal(hub.stats().connects, connects, 'no reconnect after a failed rotation');
  await assertLinkServes();

  // Once the certificate server is back, the next check rotates.
  assert.equal(await rot.checkNow(), true);
  assert.notEqual(serialOf(readFiles().cert), serialOf(old.cert));
  await waitFor(() => hub.stats().connects > connects && hub.isConnected(), { timeoutMs: 5_000, message: 'edgehub to reconnect' });
  await assertLinkServes();
});
