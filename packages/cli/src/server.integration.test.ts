import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KUBE_VERSION } from '@kedge/api';
import { spawnCli, type Spawned } from './test-helpers.js';

interface Conn { server: string; ca: string; cert: string; key: string }

function readKubeconfig(path: string): Conn {
  const kc = parse(readFileSync(path, 'utf8'));
  const b = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  return { server: kc.clusters[0].cluster.server, ca: b(kc.clusters[0].cluster['certificate-authority-data']), cert: b(kc.users[0].user['client-certificate-data']), key: b(kc.users[0].user['client-key-data']) };
}

function call(c: Conn, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const url = new URL(path, c.server);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca: c.ca, cert: c.cert, key: c.key, agent: false, timeout: 10_000, headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) } }, (res) => {
      let data = '';
      res.setEncoding('utf8').on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: data ? JSON.parse(data) : undefined }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

async function start(dataDir: string): Promise<{ proc: Spawned; conn: Conn; kubeconfig: string }> {
  const proc = spawnCli(['server', '--data-dir', dataDir, '--port', '0', '--cloudhub-port', '0', '--certserver-port', '0', '--storage', 'sqlite', '--log-format', 'json', '--log-level', 'warn']);
  try {
    await proc.waitFor(/^export KUBECONFIG=.*\n/m, 30_000);
  } catch (err) {
    proc.child.kill('SIGKILL');
    throw err;
  }
  const url = proc.stdout().match(/^kedge server listening on (https:\/\/\S+)$/m);
  const kc = proc.stdout().match(/^kubeconfig: (\S+)$/m);
  assert.ok(url && kc, proc.stdout());
  assert.equal(kc[1], join(dataDir, 'kubeconfig.yaml'));
  const conn = readKubeconfig(kc[1]);
  assert.equal(conn.server, url[1]);
  return { proc, conn, kubeconfig: kc[1] };
}

async function stop(proc: Spawned): Promise<void> {
  const t0 = Date.now();
  proc.child.kill('SIGTERM');
  const code = await proc.exited(15_000);
  assert.equal(code, 0, `exit code ${code}; stderr: ${proc.stderr()}`);
  assert.ok(Date.now() - t0 < 10_000, 'shutdown is prompt');
}

test('kedge server: serve, persist across a restart, stop cleanly on SIGTERM', { timeout: 120_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kedge-server-'));
  let current: Spawned | undefined;
  t.after(() => {
    if (current && current.child.exitCode === null) current.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const first = await start(dataDir);
  current = first.proc;
  assert.equal(statSync(first.kubeconfig).mode & 0o777, 0o600);
  for (const f of ['state.db', 'pki/ca.crt', 'pki/apiserver.crt', 'pki/admin.token']) assert.ok(existsSync(join(dataDir, f)), f);

  const version = await call(first.conn, 'GET', '/version');
  assert.equal(version.status, 200);
  assert.equal(version.json.gitVersion.startsWith(KUBE_VERSION.gitVersion), true, version.json.gitVersion);

  const created = await call(first.conn, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'persist-me' }, data: { k: 'v' } });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const rv1 = Number(created.json.metadata.resourceVersion);
  assert.ok(rv1 > 0);
  const got = await call(first.conn, 'GET', '/api/v1/namespaces/default/configmaps/persist-me');
  assert.equal(got.status, 200);
  assert.deepEqual(got.json.data, { k: 'v' });
  const caBefore = readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8');
  await stop(first.proc);

  const second = await start(dataDir);
  current = second.proc;
  assert.equal(readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8'), caBefore, 'certificates survive a restart');
  const again = await call(second.conn, 'GET', '/api/v1/namespaces/default/configmaps/persist-me');
  assert.equal(again.status, 200, JSON.stringify(again.json));
  assert.deepEqual(again.json.data, { k: 'v' });
  assert.equal(Number(again.json.metadata.resourceVersion), rv1);
  const next = await call(second.conn, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-restart' } });
  assert.equal(next.status, 201, JSON.stringify(next.json));
  assert.ok(Number(next.json.metadata.resourceVersion) > rv1, 'the resourceVersion counter continues');
  await stop(second.proc);
});

test('kedge server: a taken port is a one-line error, exit 1', { timeout: 30_000 }, async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const dataDir = mkdtempSync(join(tmpdir(), 'kedge-server-'));
  t.after(async () => {
    await new Promise((r) => blocker.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });
  const port = (blocker.address() as AddressInfo).port;
  const proc = spawnCli(['server', '--data-dir', dataDir, '--port', String(port), '--storage', 'memory', '--log-level', 'silent']);
  const code = await proc.exited(20_000);
  assert.equal(code, 1);
  assert.equal(proc.stderr().trim(), `kedge: port ${port} is already in use; choose another with --port`);
});

test('kedge server: a damaged pki dir is a one-line error, exit 1', { timeout: 30_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kedge-server-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  mkdirSync(join(dataDir, 'pki'));
  writeFileSync(join(dataDir, 'pki', 'ca.crt'), 'not a certificate');
  const proc = spawnCli(['server', '--data-dir', dataDir, '--port', '0', '--storage', 'memory', '--log-level', 'silent']);
  assert.equal(await proc.exited(20_000), 1);
  assert.match(proc.stderr().trim(), /^kedge: pki: .* holds only one of ca\.crt and ca\.key/);
  assert.doesNotMatch(proc.stderr(), /^\s+at /m);
});
