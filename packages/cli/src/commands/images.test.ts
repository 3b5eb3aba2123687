import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../test-helpers.js';

const oneLine = (s: string) => assert.equal(s.trim().split('\n').length, 1, `expected one line:\n${s}`);

test('images import/build-test have --help with examples', () => {
  for (const args of [['images', '--help'], ['images', 'import', '--help'], ['images', 'build-test', '--help']]) {
    const r = runCli(args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Examples:/, args.join(' '));
  }
  assert.match(runCli(['images', 'import', '--help']).stdout, /--containerd-socket/);
});

test('images import: usage and file errors are one kedge: line', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-cli-images-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const missingArg = runCli(['images', 'import']);
  assert.equal(missingArg.code, 2);
  assert.match(missingArg.stderr, /^kedge: missing required argument/);
  const missing = runCli(['images', 'import', join(dir, 'nope.tar')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^kedge: no such file: .*nope\.tar/);
  oneLine(missing.stderr);
  writeFileSync(join(dir, 'junk.tar'), 'not a tar '.repeat(100));
  const junk = runCli(['images', 'import', join(dir, 'junk.tar')]);
  assert.equal(junk.code, 1);
  assert.match(junk.stderr, /^kedge: .*junk\.tar is not an image archive/);
  oneLine(junk.stderr);
});

test('images build-test writes the same busybox.tar and pause.tar every time', { skip: existsSync('/bin/busybox') ? undefined : 'busybox-static not installed' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-cli-images-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const a = runCli(['images', 'build-test', '--out', join(dir, 'a')]);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /^wrote .*busybox\.tar \(kedge\.local\/busybox:1\.35, sha256:[0-9a-f]{64}\)$/m);
  assert.match(a.stdout, /^wrote .*pause\.tar \(kedge\.local\/pause:3\.9, sha256:[0-9a-f]{64}\)$/m);
  const b = runCli(['images', 'build-test', '--out', join(dir, 'b'), '--pause-name', 'kedge.local/pause:test']);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(readFileSync(join(dir, 'a', 'busybox.tar')), readFileSync(join(dir, 'b', 'busybox.tar')));
  assert.match(b.stdout, /kedge\.local\/pause:test/);
  const noSock = runCli(['images', 'build-test', '--out', join(dir, 'c'), '--import', '--containerd-socket', join(dir, 'none.sock')]);
  assert.equal(noSock.code, 1);
  assert.match(noSock.stderr, /^kedge: cannot reach containerd: no socket at .*none\.sock/);
  const bad = runCli(['images', 'build-test', '--out', join(dir, 'd'), '--busybox', join(dir, 'no-busybox')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^kedge: busybox-static is not installed: apt-get install busybox-static/);
});
