import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../test-helpers.js';
import { classifyDataDir } from './reset.js';

function tmp(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'kedge-reset-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function fakeEdgeDir(dir: string): void {
  mkdirSync(join(dir, 'certs'), { recursive: true });
  writeFileSync(join(dir, 'edge.yaml'), 'node:\n  name: e1\n');
  writeFileSync(join(dir, 'certs', 'edge.key'), 'x');
}

test('classifyDataDir tells an edge dir, an up dir and an unrelated dir apart', (t) => {
  const d = tmp(t);
  const edge = join(d, 'edge-data');
  fakeEdgeDir(edge);
  assert.equal(classifyDataDir(edge)?.edgeDir, edge);
  const up = join(d, 'kedge-data');
  fakeEdgeDir(join(up, 'edge'));
  mkdirSync(join(up, 'cloud'));
  assert.equal(classifyDataDir(up)?.edgeDir, join(up, 'edge'));
  mkdirSync(join(d, 'photos'));
  assert.equal(classifyDataDir(join(d, 'photos')), undefined);
  assert.equal(classifyDataDir(join(d, 'missing')), undefined);
});

test('kedge reset --force removes an edge data dir', (t) => {
  const d = tmp(t);
  const edge = join(d, 'edge-data');
  fakeEdgeDir(edge);
  const r = runCli(['reset', '--data-dir', edge, '--force']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /will remove .*edge node/);
  assert.match(r.stdout, /removed /);
  assert.equal(existsSync(edge), false);
});

test('kedge reset refuses without --force when it cannot ask, and never touches unrelated dirs', (t) => {
  const d = tmp(t);
  const edge = join(d, 'edge-data');
  fakeEdgeDir(edge);
  const r = runCli(['reset', '--data-dir', edge]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /pass --force/);
  assert.ok(existsSync(join(edge, 'edge.yaml')), 'nothing deleted');
  mkdirSync(join(d, 'photos'));
  writeFileSync(join(d, 'photos', 'a.jpg'), 'x');
  const u = runCli(['reset', '--data-dir', join(d, 'photos'), '--force']);
  assert.equal(u.code, 2);
  assert.match(u.stderr, /not a kedge data dir/);
  assert.ok(existsSync(join(d, 'photos', 'a.jpg')));
});
