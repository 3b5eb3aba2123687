import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateServerPKI } from './index.js';

test('first start creates the pki, later starts load it unchanged', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-pki-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await loadOrCreateServerPKI(join(dir, 'pki'), { hosts: ['0.0.0.0', '10.1.2.3'] });
  const pki = join(dir, 'pki');
  for (const f of ['ca.key', 'apiserver.key', 'admin.key', 'admin.token']) {
    assert.equal(statSync(join(pki, f)).mode & 0o777, 0o600, f);
  }
  const ca = new X509Certificate(readFileSync(join(pki, 'ca.crt')));
  const serving = new X509Certificate(first.serving.certPem);
  assert.ok(serving.checkIssued(ca));
  for (const ip of ['127.0.0.1', '::1', '10.1.2.3']) assert.equal(serving.checkIP(ip), ip);
  assert.equal(serving.checkIP('0.0.0.0'), undefined);
  assert.ok(serving.checkHost('localhost'));
  assert.ok(serving.checkHost(hostname().toLowerCase()));
  const admin = new X509Certificate(first.admin.certPem);
  assert.match(admin.subject, /CN=kedge-admin/);
  assert.match(admin.subject, /O=system:masters/);
  assert.ok(admin.checkIssued(ca));
  assert.ok(first.adminToken.length >= 32);

  const second = await loadOrCreateServerPKI(pki, { hosts: ['10.1.2.3'] });
  assert.equal(second.ca.certPem, first.ca.certPem);
  assert.equal(second.serving.certPem, first.serving.certPem);
  assert.equal(second.admin.certPem, first.admin.certPem);
  assert.equal(second.adminToken, first.adminToken);

  // A new advertise address needs a new serving cert; CA, admin and token stay.
  const third = await loadOrCreateServerPKI(pki, { hosts: ['10.9.9.9'] });
  assert.notEqual(third.serving.certPem, first.serving.certPem);
  assert.equal(new X509Certificate(third.serving.certPem).checkIP('10.9.9.9'), '10.9.9.9');
  assert.equal(third.ca.certPem, first.ca.certPem);
  assert.equal(third.admin.certPem, first.admin.certPem);

  // 340 days later the 1-year leaves are within 30 days of expiry and get renewed.
  const later = await loadOrCreateServerPKI(pki, { hosts: ['10.9.9.9'], now: () => Date.now() + 340 * 86_400_000 });
  assert.notEqual(later.serving.certPem, third.serving.certPem);
  assert.notEqual(later.admin.certPem, third.admin.certPem);
  assert.equal(later.ca.certPem, first.ca.certPem);
});

test('a lone ca.crt is refused instead of silently replaced', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-pki-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await loadOrCreateServerPKI(dir, { hosts: [] });
  rmSync(join(dir, 'ca.key'));
  await assert.rejects(loadOrCreateServerPKI(dir, { hosts: [] }), /only one of ca.crt and ca.key/);
});
