import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { archiveImageNames, importImage, listImages, normalizeDockerName } from './import.js';
import { buildImage } from './oci-writer.js';
import { writeTar } from './tar-writer.js';

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-import-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const image = buildImage({ name: 'kedge.local/x:1', files: [{ type: 'file', path: 'a', data: 'a' }] });

test('archiveImageNames reads OCI annotations and docker RepoTags, gzipped or not', async (t) => {
  const dir = tmp(t);
  const oci = join(dir, 'oci.tar');
  writeFileSync(oci, image.tar);
  assert.deepEqual(await archiveImageNames(oci), ['kedge.local/x:1']);
  writeFileSync(join(dir, 'oci.tar.gz'), gzipSync(image.tar));
  assert.deepEqual(await archiveImageNames(join(dir, 'oci.tar.gz')), ['kedge.local/x:1']);
  const docker = join(dir, 'docker.tar');
  writeFileSync(docker, writeTar([{ type: 'file', path: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', RepoTags: ['busybox:1.36', 'quay.io/a/b:2'], Layers: [] }]) }]));
  assert.deepEqual(await archiveImageNames(docker), ['docker.io/library/busybox:1.36', 'quay.io/a/b:2']);
});

test('a file that is not an image archive gives a one-line BadRequest/NotFound', async (t) => {
  const dir = tmp(t);
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'hello '.repeat(200));
  await assert.rejects(archiveImageNames(text), (e: Error & { reason?: string }) => e.reason === 'BadRequest' && /notes\.txt is not an image archive/.test(e.message) && !e.message.includes('\n'));
  const plain = join(dir, 'plain.tar');
  writeFileSync(plain, writeTar([{ type: 'file', path: 'hello.txt', data: 'hi' }]));
  await assert.rejects(archiveImageNames(plain), /no index\.json or manifest\.json/);
  await assert.rejects(importImage({ tarball: join(dir, 'missing.tar'), containerdSocket: join(dir, 'sock') }), (e: Error & { reason?: string }) => e.reason === 'NotFound' && /no such file/.test(e.message));
  await assert.rejects(importImage({ tarball: plain, containerdSocket: join(dir, 'sock') }), /not an image archive/);
});

test('a missing ctr binary or containerd socket is reported in one line', async (t) => {
  const dir = tmp(t);
  const file = join(dir, 'x.tar');
  writeFileSync(file, image.tar);
  writeFileSync(join(dir, 'sock'), '');
  await assert.rejects(importImage({ tarball: file, containerdSocket: join(dir, 'sock'), ctr: join(dir, 'no-ctr') }), (e: Error & { reason?: string }) => e.reason === 'NotFound' && /^ctr is not installed: apt-get install containerd/.test(e.message));
  await assert.rejects(listImages({ containerdSocket: join(dir, 'sock'), ctr: join(dir, 'no-ctr') }), /ctr is not installed/);
  await assert.rejects(listImages({ containerdSocket: join(dir, 'absent.sock') }), (e: Error & { reason?: string }) => e.reason === 'ServiceUnavailable' && /no socket at .*absent\.sock/.test(e.message));
});

test('normalizeDockerName follows docker reference rules', () => {
  assert.equal(normalizeDockerName('busybox'), 'docker.io/library/busybox:latest');
  assert.equal(normalizeDockerName('me/app:1'), 'docker.io/me/app:1');
  assert.equal(normalizeDockerName('localhost:5000/app'), 'localhost:5000/app:latest');
  assert.equal(normalizeDockerName('kedge.local/busybox:1.35'), 'kedge.local/busybox:1.35');
});
