import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { request } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { runCli, spawnCli, type Spawned } from './test-helpers.js';

interface Conn { server: string; ca: string; cert: string; key: string }

function readKubeconfig(path: string): Conn {
  const kc = parse(readFileSync(path, 'utf8'));
  const b = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  return { server: kc.clusters[0].cluster.server, ca: b(kc.clusters[0].cluster['certificate-authority-data']), cert: b(kc.users[0].user['client-certificate-data']), key: b(kc.users[0].user['client-key-data']) };
}

function apiGet(c: Conn, path: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, c.server), { ca: c.ca, cert: c.cert, key: c.key, agent: false, timeout: 5_000, headers: { Accept: 'application/json' } }, (res) => {
      let data = '';
      res.setEncoding('utf8').on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: data ? JSON.parse(data) : undefined }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

function plainGet(url: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { timeout: 5_000 }, (res) => {
      let data = '';
      res.setEncoding('utf8').on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: data ? JSON.parse(data) : undefined }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const isReady = (node: any): boolean => node?.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True') === true;

async function waitReady(c: Conn, name: string, timeoutMs: number, after = ''): Promise<any> {
  const end = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < end) {
    last = (await apiGet(c, `/api/v1/nodes/${name}`)).json;
    const hb = last?.status?.conditions?.find((x: { type: string }) => x.type === 'Ready')?.lastHeartbeatTime ?? '';
    if (isReady(last) && hb > after) return last;
    await sleep(200);
  }
  assert.fail(`node ${name} not Ready within ${timeoutMs} ms: ${JSON.stringify(last?.status?.conditions ?? last)}`);
}

async function stop(p: Spawned, what: string): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const code = await p.exited(15_000).catch((err) => {
    p.child.kill('SIGKILL');
    throw err;
  });
  assert.equal(code, 0, `${what} exit code ${code}; stderr: ${p.stderr().slice(-2000)}`);
}

test('kedge join: a node joins, turns Ready with the edge labels, restarts with kedge edge; join errors are one line', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-join-'));
  const procs: Spawned[] = [];
  t.after(() => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const server = spawnCli(['server', '--data-dir', join(dir, 'cloud'), '--port', '0', '--cloudhub-port', '0', '--certserver-port', '0', '--storage', 'memory', '--log-format', 'json', '--log-level', 'warn']);
  procs.push(server);
  const [, certServer] = await server.waitFor(/^certificate server listening on (https:\/\/\S+)$/m, 30_000);
  const hub = server.stdout().match(/^cloudhub listening on wss:\/\/(\S+)$/m);
  const kc = server.stdout().match(/^kubeconfig: (\S+)$/m);
  assert.ok(hub && kc, server.stdout());
  const conn = readKubeconfig(kc[1]!);

  const tok = runCli(['gettoken', '--kubeconfig', kc[1]!]);
  assert.equal(tok.code, 0, tok.stderr);
  const token = tok.stdout.trim();
  assert.match(token, /^[0-9a-f]{64}\.[\w-]+\.[\w-]+\.[\w-]+$/);

  const joinArgs = (extra: string[], tokenArg = token) => ['join', '--cloud', hub[1]!, '--cert-server', certServer!, '--token', tokenArg, '--log-level', 'silent', '--metaserver-port', '0', '--eventbus-port', '0', '--metrics-port', '0', ...extra];
  const oneLine = (r: { code: number | null; stderr: string }, re: RegExp) => {
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^kedge: /);
    assert.match(lines[0]!, re);
  };

  // Bad signature: change a middle character of the JWT signature (the last one may only carry padding bits).
  const i = token.length - 10;
  const forged = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
  oneLine(runCli(joinArgs(['--node-name', 'bad-sig', '--data-dir', join(dir, 'bad-sig')], forged)), /refused the token/);
  oneLine(runCli(joinArgs(['--node-name', 'bad-ca', '--data-dir', join(dir, 'bad-ca')], '0'.repeat(64) + token.slice(64))), /CA hash mismatch/);
  const closed = await freePort();
  oneLine(runCli(['join', '--cloud', `127.0.0.1:${closed}`, '--token', token, '--node-name', 'unreachable', '--data-dir', join(dir, 'unreachable'), '--cert-server', `https://127.0.0.1:${closed}`, '--log-level', 'silent']), /cannot reach the cloud at https:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  assert.equal((await apiGet(conn, '/api/v1/nodes/bad-sig')).status, 404, 'a refused join registers nothing');

  const edgeDir = join(dir, 'edge-1');
  const edge = spawnCli(joinArgs(['--node-name', 'edge-1', '--data-dir', edgeDir, '--labels', 'zone=a,rack=3']));
  procs.push(edge);
  await edge.waitFor(/^metaserver listening on http:\/\/127\.0\.0\.1:\d+$/m, 30_000);
  assert.match(edge.stdout(), new RegExp(`^kedge edge edge-1 connecting to wss://${hub[1]!.replace(/\./g, '\\.')}/\\w+/edge-1/events$`, 'm'));
  const node = await waitReady(conn, 'edge-1', 30_000);
  assert.equal(node.metadata.labels['node-role.kubernetes.io/edge'], '');
  assert.equal(node.metadata.labels['node-role.kubernetes.io/agent'], '');
  assert.equal(node.metadata.labels.zone, 'a');
  assert.equal(node.metadata.labels.rack, '3');
  assert.equal(node.metadata.labels['kubernetes.io/hostname'], 'edge-1');
  assert.match(node.status.nodeInfo.kubeletVersion, /-kedge-/);
  const config = join(edgeDir, 'edge.yaml');
  assert.equal(statSync(config).mode & 0o777, 0o600);
  assert.ok(!readFileSync(config, 'utf8').includes(token.slice(65)), 'the token is not stored');
  await stop(edge, 'kedge join');

  const t0 = new Date(Date.now() + 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const again = spawnCli(['edge', '--config', config, '--log-level', 'silent']);
  procs.push(again);
  const [, msUrl] = await again.waitFor(/^metaserver listening on (http:\/\/127\.0\.0\.1:\d+)$/m, 30_000);
  await waitReady(conn, 'edge-1', 30_000, t0);
  const cached = await plainGet(`${msUrl}/api/v1/nodes/edge-1`);
  assert.equal(cached.status, 200, JSON.stringify(cached.json));
  assert.equal(cached.json.metadata.name, 'edge-1');
  await stop(again, 'kedge edge');

  // Without certificates `kedge edge` says what to do.
  const none = runCli(['edge', '--config', config.replace('edge-1', 'nowhere')]);
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /^kedge: config: cannot read/);
  await stop(server, 'kedge server');
});
