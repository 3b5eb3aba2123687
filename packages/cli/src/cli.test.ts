import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KEDGE_VERSION, KUBE_VERSION } from '@kedge/api';
import { runCli } from './test-helpers.js';

const noStack = (s: string) => assert.doesNotMatch(s, /^\s+at /m, `unexpected stack trace:\n${s}`);

test('--help lists commands with examples, exit 0', () => {
  const r = runCli(['--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /server/);
  assert.match(r.stdout, /version/);
  assert.match(r.stdout, /Examples:/);
});

test('every command has --help with examples', () => {
  for (const cmd of ['server', 'version']) {
    const r = runCli([cmd, '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Examples:/, cmd);
  }
  assert.match(runCli(['server', '--help']).stdout, /--data-dir/);
});

test('version prints kedge, kubernetes and node versions', () => {
  const r = runCli(['version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`kedge ${KEDGE_VERSION.replace(/\./g, '\\.')}`));
  assert.match(r.stdout, new RegExp(KUBE_VERSION.gitVersion.replace(/\./g, '\\.')));
  assert.match(r.stdout, new RegExp(process.version.replace(/\./g, '\\.')));
  const j = JSON.parse(runCli(['version', '-o', 'json']).stdout);
  assert.equal(j.kubernetesVersion, KUBE_VERSION.gitVersion);
});

test('usage errors exit 2 with a one-line kedge: message', () => {
  for (const args of [['bogus'], ['server', '--port', 'abc'], ['server', '--storage', 'etcd'], ['server', '--no-such-flag'], []]) {
    const r = runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    noStack(r.stderr);
    if (args.length) assert.match(r.stderr, /^kedge: /, args.join(' '));
  }
});

test('config problems exit 2 without a stack trace', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const missing = runCli(['server', '--config', join(dir, 'nope.yaml'), '--data-dir', dir]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^kedge: config: cannot read .*nope\.yaml/);
  noStack(missing.stderr);
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'apiserver:\n  port: "x"\n');
  const bad = runCli(['server', '--config', file, '--data-dir', dir]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim(), 'kedge: config: apiserver.port: expected number, received string');
  const unknown = runCli(['server', '--disable-controllers', 'nosuch', '--data-dir', dir]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown field "nosuch"/);
});

test('--print-default-config prints parseable YAML defaults', () => {
  const r = runCli(['server', '--print-default-config']);
  assert.equal(r.code, 0, r.stderr);
  const cfg = parse(r.stdout);
  assert.equal(cfg.apiserver.port, 6443);
  assert.equal(cfg.apiserver.bind, '127.0.0.1');
  assert.equal(cfg.storage.type, 'sqlite');
  assert.equal(cfg.controllers.nodeLifecycle.gracePeriodSeconds, 50);
});
