import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { silentLogger } from '@kedge/core';
import { bootstrapEdgeCerts, type EdgeCerts } from '@kedge/edge/bootstrap/index.js';
import { runCli, spawnCli, type Spawned } from '../test-helpers.js';

const TOKEN = /^[0-9a-f]{64}\.[\w-]+\.[\w-]+\.[\w-]+$/;

function tmp(t: { after(fn: () => void): void }, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts a CLI process and kills it when the test ends, whatever happens. */
function launch(t: { after(fn: () => Promise<void>): void }, args: string[]): Spawned {
  const proc = spawnCli(args);
  t.after(async () => {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    proc.child.kill('SIGTERM');
    try {
      assert.equal(await proc.exited(15_000), 0, `exit code; stderr: ${proc.stderr()}`);
    } catch (err) {
      proc.child.kill('SIGKILL');
      throw err;
    }
  });
  return proc;
}

async function urls(proc: Spawned): Promise<{ hub: string; certs: string }> {
  const hub = await proc.waitFor(/^cloudhub listening on (wss:\/\/\S+)$/m, 30_000);
  const certs = await proc.waitFor(/^certificate server listening on (https:\/\/\S+)$/m, 30_000);
  return { hub: hub[1]!, certs: certs[1]! };
}

function caDer(certServer: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // The CA is fetched unverified on purpose: the token's hash is what pins it (KubeEdge's join flow).
    const req = get(new URL('/ca.crt', certServer), { rejectUnauthorized: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`GET /ca.crt: ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('GET /ca.crt timed out')));
    req.on('error', reject);
  });
}

/** Dials CloudHub like edgecore; resolves 'open' or `status <code>`. */
function dialHub(hubUrl: string, certs: EdgeCerts, nodeId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${hubUrl}/e632aba927ea4ac2b575ec1603d56f10/${nodeId}/events`, {
      ca: certs.caPem, cert: certs.certPem, key: certs.keyPem,
      headers: { node_id: nodeId, project_id: 'e632aba927ea4ac2b575ec1603d56f10' },
      handshakeTimeout: 10_000,
    });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
      resolve(`status ${res.statusCode}`);
    });
    ws.once('error', reject);
  });
}

test('kedge server runs CloudCore: URLs, gettoken, join through the certificate server, CloudHub identity', { timeout: 120_000 }, async (t) => {
  const dataDir = tmp(t, 'kedge-cc-');
  const edgeDir = tmp(t, 'kedge-cc-edge-');
  const proc = launch(t, ['server', '--data-dir', dataDir, '--port', '0', '--cloudhub-port', '0', '--certserver-port', '0', '--storage', 'memory', '--log-level', 'warn']);
  const api = await proc.waitFor(/^kedge server listening on (https:\/\/127\.0\.0\.1:\d+)$/m, 30_000);
  const { hub, certs } = await urls(proc);
  assert.match(hub, /^wss:\/\/127\.0\.0\.1:\d+$/);
  assert.match(certs, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(hub.split(':')[2], '10000', 'port 0 picks a free port');
  assert.ok(api[1]);
  assert.equal(proc.stdout().match(/^join token: kedge gettoken --kubeconfig (\S+)$/m)?.[1], join(dataDir, 'kubeconfig.yaml'));

  const r = runCli(['gettoken', '--data-dir', dataDir]);
  assert.equal(r.code, 0, r.stderr);
  const token = r.stdout.trim();
  assert.match(token, TOKEN);
  assert.equal(token.split('.')[0], createHash('sha256').update(await caDer(certs)).digest('hex'), 'token pins the CA served on /ca.crt');
  assert.equal(runCli(['gettoken', '--kubeconfig', join(dataDir, 'kubeconfig.yaml')]).stdout.trim(), token);

  const log = silentLogger();
  const forged = `${token.slice(0, -4)}AAAA`;
  await assert.rejects(bootstrapEdgeCerts({ certServer: certs, token: forged, nodeName: 'edge-1', dir: edgeDir, log, timeoutMs: 10_000 }), /401|signature|token/i);
  const edge = await bootstrapEdgeCerts({ certServer: certs, token, nodeName: 'edge-1', dir: edgeDir, log, timeoutMs: 10_000 });
  assert.match(edge.certPem, /BEGIN CERTIFICATE/);

  assert.equal(await dialHub(hub, edge, 'edge-1'), 'open');
  assert.equal(await dialHub(hub, edge, 'edge-2'), 'status 403', 'node_id must match the certificate');
});

test('kedge cloud runs CloudCore alone against a kedge server started with --disable-cloudcore', { timeout: 120_000 }, async (t) => {
  const dataDir = tmp(t, 'kedge-cc-');
  const kubeconfig = join(dataDir, 'kubeconfig.yaml');
  const server = launch(t, ['server', '--data-dir', dataDir, '--port', '0', '--disable-cloudcore', '--storage', 'memory', '--log-level', 'warn']);
  await server.waitFor(/^export KUBECONFIG=.*$/m, 30_000);
  assert.doesNotMatch(server.stdout(), /cloudhub|join token/);

  const none = runCli(['gettoken', '--kubeconfig', kubeconfig]);
  assert.equal(none.code, 1);
  assert.equal(none.stderr.trim(), 'kedge: no join token yet: start kedge server (or kedge cloud) first');

  const cloud = launch(t, ['cloud', '--kubeconfig', kubeconfig, '--cloudhub-port', '0', '--certserver-port', '0', '--tunnel-port', '0', '--metrics-port', '0', '--log-level', 'warn']);
  const { hub, certs } = await urls(cloud);
  // Printed right after the certificate-server line, possibly in a later stdout chunk.
  await cloud.waitFor(new RegExp(`^join token: kedge gettoken --kubeconfig ${kubeconfig.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), 10_000);
  const r = runCli(['gettoken', '--kubeconfig', kubeconfig]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.trim(), TOKEN);
  const edgeDir = tmp(t, 'kedge-cc-edge-');
  const edge = await bootstrapEdgeCerts({ certServer: certs, token: r.stdout.trim(), nodeName: 'edge-a', dir: edgeDir, log: silentLogger(), timeoutMs: 10_000 });
  assert.equal(await dialHub(hub, edge, 'edge-a'), 'open');
  // kedge cloud serves CloudHub's metrics on its own listener (issue 6).
  const [, metricsUrl] = await cloud.waitFor(/^metrics listening on (http:\S+)$/m, 10_000);
  const text = await (await fetch(metricsUrl!)).text();
  assert.match(text, /^kedge_cloudhub_connections_total [1-9]/m);
  assert.match(text, /^kedge_cloud_process_resident_memory_bytes /m);
});

test('CloudCore ports: a taken port is a one-line error naming the flag; gettoken without a server explains', { timeout: 60_000 }, async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', r));
  t.after(() => new Promise<void>((r) => blocker.close(() => r())));
  const port = (blocker.address() as AddressInfo).port;
  const dataDir = tmp(t, 'kedge-cc-');

  const hubTaken = spawnCli(['server', '--data-dir', dataDir, '--port', '0', '--cloudhub-port', String(port), '--certserver-port', '0', '--storage', 'memory', '--log-level', 'silent']);
  assert.equal(await hubTaken.exited(30_000), 1, hubTaken.stdout());
  assert.equal(hubTaken.stderr().trim(), `kedge: port ${port} is already in use; choose another with --cloudhub-port`);

  const certTaken = spawnCli(['server', '--data-dir', dataDir, '--port', '0', '--cloudhub-port', '0', '--certserver-port', String(port), '--storage', 'memory', '--log-level', 'silent']);
  assert.equal(await certTaken.exited(30_000), 1, certTaken.stdout());
  assert.equal(certTaken.stderr().trim(), `kedge: port ${port} is already in use; choose another with --certserver-port`);

  const empty = tmp(t, 'kedge-cc-empty-');
  const r = runCli(['gettoken', '--data-dir', empty]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), `kedge: kubeconfig ${join(empty, 'kubeconfig.yaml')} not found: start kedge server first, or pass --kubeconfig`);
});

test('help: cloud and gettoken have examples; server documents the CloudCore flags', () => {
  for (const cmd of ['cloud', 'gettoken']) {
    const r = runCli([cmd, '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Examples:/, cmd);
  }
  const server = runCli(['server', '--help']).stdout;
  for (const flag of ['--cloudhub-port', '--certserver-port', '--advertise-address', '--disable-cloudcore']) assert.match(server, new RegExp(flag));
  assert.match(runCli(['--help']).stdout, /gettoken/);
  const noKc = runCli(['cloud', '--cloudhub-port', '0'], 10_000);
  if (!process.env.KUBECONFIG) {
    assert.equal(noKc.code, 2);
    assert.equal(noKc.stderr.trim(), 'kedge: --kubeconfig is required (or set $KUBECONFIG)');
  }
});
