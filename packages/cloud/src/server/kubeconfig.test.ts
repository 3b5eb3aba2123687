import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { writeKubeconfig } from './kubeconfig.js';

test('kubeconfig round trip: embedded data, current context, mode 0600', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-kc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'sub', 'kubeconfig.yaml');
  writeKubeconfig(path, { server: 'https://127.0.0.1:6443', caPem: 'CA-PEM\n', certPem: 'CERT\n', keyPem: 'KEY\n', user: 'kedge-admin', context: 'kedge' });
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const kc = parse(readFileSync(path, 'utf8'));
  assert.equal(kc.kind, 'Config');
  assert.equal(kc['current-context'], 'kedge');
  const ctx = kc.contexts.find((c: { name: string }) => c.name === 'kedge').context;
  const cluster = kc.clusters.find((c: { name: string }) => c.name === ctx.cluster).cluster;
  const user = kc.users.find((u: { name: string }) => u.name === ctx.user).user;
  assert.equal(cluster.server, 'https://127.0.0.1:6443');
  assert.equal(Buffer.from(cluster['certificate-authority-data'], 'base64').toString(), 'CA-PEM\n');
  assert.equal(Buffer.from(user['client-certificate-data'], 'base64').toString(), 'CERT\n');
  assert.equal(Buffer.from(user['client-key-data'], 'base64').toString(), 'KEY\n');
  // Rewriting replaces the file (new port after a restart with --port 0).
  writeKubeconfig(path, { server: 'https://127.0.0.1:7000', caPem: 'CA', token: 'tok', user: 'u', context: 'kedge' });
  const kc2 = parse(readFileSync(path, 'utf8'));
  assert.equal(kc2.clusters[0].cluster.server, 'https://127.0.0.1:7000');
  assert.deepEqual(kc2.users[0].user, { token: 'tok' });
});
