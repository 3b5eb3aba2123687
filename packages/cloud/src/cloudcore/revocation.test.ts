import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { R } from '@kedge/api';
import { createInformerFactory, silentLogger } from '@kedge/core';
import { createFakeKube, waitFor, type FakeKube } from '@kedge/core/testing/index.js';
import { parseJoinToken, readTokenFromSecret } from '../certserver/index.js';
import { dial, nextSecond, type Pki } from '../cloudhub/hub-harness.js';
import { createCSR, derToPem, pemToDer } from '../pki/index.js';
import { cloudcoreSchema } from './config.js';
import { runCloudCore } from './run-cloud-core.js';

interface Running {
  hubPort: number;
  certUrl: string;
  stop(): Promise<void>;
}

async function startCloudCore(kube: FakeKube): Promise<Running> {
  const log = silentLogger();
  const cfg = cloudcoreSchema.parse({ cloudHub: { port: 0, bind: '127.0.0.1' }, certServer: { port: 0, bind: '127.0.0.1' } });
  const informers = createInformerFactory(kube, log);
  const ac = new AbortController();
  const lines: string[] = [];
  const infDone = informers.start(ac.signal);
  const done = runCloudCore(cfg, { client: kube, informers, log }, ac.signal, (l) => lines.push(l));
  done.catch(() => {});
  await waitFor(() => lines.length === 2, 'cloudcore listening', 20_000);
  return {
    hubPort: Number(/:(\d+)$/.exec(lines.find((l) => l.startsWith('cloudhub'))!)![1]),
    certUrl: /(https:\/\/\S+)$/.exec(lines.find((l) => l.startsWith('certificate'))!)![1]!,
    async stop() {
      ac.abort();
      await done;
      await infDone;
    },
  };
}

function get(url: string, o: { ca?: string; body?: Uint8Array; headers?: Record<string, string>; cert?: string; key?: string } = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET', ca: o.ca, rejectUnauthorized: o.ca !== undefined, cert: o.cert, key: o.key, timeout: 5_000,
      headers: { ...o.headers, ...(o.body ? { 'Content-Length': String(o.body.length) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(o.body);
  });
}

/** A node certificate from the cert server, by join token or by renewal with `client`. */
async function edgeCert(certUrl: string, ca: string, node: string, auth: { jwt: string } | { cert: string; key: string }) {
  const { csrPem, keyPem } = await createCSR({ cn: `system:node:${node}`, organizations: ['system:nodes'] });
  const r = await get(`${certUrl}/edge.crt`, {
    ca, body: pemToDer(csrPem), headers: { NodeName: node, ...('jwt' in auth ? { Authorization: `Bearer ${auth.jwt}` } : {}) },
    ...('cert' in auth ? auth : {}),
  });
  return { status: r.status, text: r.body.toString(), pair: r.status === 200 ? { certPem: new X509Certificate(r.body).toString(), keyPem } : undefined };
}

test('CloudCore: deleting an edge Node refuses its certificate at CloudHub and at renewal, across a restart; a new join works', { timeout: 60_000 }, async () => {
  const kube = createFakeKube();
  const node = 'edge-doomed';
  let cc = await startCloudCore(kube);
  try {
    const ca = derToPem(new Uint8Array((await get(`${cc.certUrl}/ca.crt`)).body), 'CERTIFICATE');
    const pki = { ca: { certPem: ca } } as Pki;
    const jwt = parseJoinToken(await readTokenFromSecret(kube)).jwt;
    const old = (await edgeCert(cc.certUrl, ca, node, { jwt })).pair!;
    assert.ok(old);
    (await dial(pki, cc.hubPort, node, { cert: old })).ws.terminate();

    await kube.create(R.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: node, labels: { 'node-role.kubernetes.io/edge': '' } } });
    await new Promise((r) => setTimeout(r, 200));
    await kube.delete(R.nodes, undefined, node);
    await waitFor(() => !!kube.peek(R.configmaps, 'kubeedge', 'revoked-nodes')?.data?.[node], 'revocation persisted', 5_000);
    await assert.rejects(dial(pki, cc.hubPort, node, { cert: old }), /status 403/);

    await cc.stop();
    cc = await startCloudCore(kube);
    await assert.rejects(dial(pki, cc.hubPort, node, { cert: old }), /status 403/, 'still refused after a restart');
    const renewal = await edgeCert(cc.certUrl, ca, node, { cert: old.certPem, key: old.keyPem });
    assert.equal(renewal.status, 403);
    assert.match(renewal.text, /is revoked/);

    await nextSecond();
    const fresh = (await edgeCert(cc.certUrl, ca, node, { jwt })).pair!;
    const c = await dial(pki, cc.hubPort, node, { cert: fresh });
    await c.close();
  } finally {
    await cc.stop();
  }
});
