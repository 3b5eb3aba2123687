import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { buildImage, goArch, MediaType, splitReference, type ImageSpec } from './oci-writer.js';
import { readTar } from './tar-reader.js';

const spec: ImageSpec = {
  name: 'kedge.local/demo:0.1',
  files: [
    { type: 'dir', path: 'bin' },
    { type: 'file', path: 'bin/hello', data: '#!/bin/sh\necho hi\n', mode: 0o755 },
    { type: 'symlink', path: 'bin/hi', target: 'hello' },
  ],
  entrypoint: ['/bin/hello'],
  cmd: ['--loud'],
  env: ['A=1'],
  workingDir: '/bin',
};

const hex = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');

async function unpack(tar: Buffer): Promise<Map<string, Buffer>> {
  return (await readTar(Readable.from([tar]), () => true)).files;
}

test('the archive is an OCI image layout whose blobs match their digests and sizes', async () => {
  const img = buildImage(spec);
  const files = await unpack(img.tar);
  assert.deepEqual(JSON.parse(files.get('oci-layout')!.toString()), { imageLayoutVersion: '1.0.0' });
  for (const [path, data] of files) {
    if (path.startsWith('blobs/sha256/')) assert.equal(hex(data), `sha256:${path.slice('blobs/sha256/'.length)}`, path);
  }
  const index = JSON.parse(files.get('index.json')!.toString());
  assert.equal(index.schemaVersion, 2);
  assert.equal(index.mediaType, MediaType.index);
  const [desc] = index.manifests;
  assert.equal(desc.mediaType, MediaType.manifest);
  assert.equal(desc.annotations['io.containerd.image.name'], 'kedge.local/demo:0.1');
  assert.equal(desc.annotations['org.opencontainers.image.ref.name'], '0.1');
  assert.equal(desc.platform.os, 'linux');
  assert.equal(desc.platform.architecture, goArch().architecture);

  const blob = (d: { digest: string; size: number }) => {
    const b = files.get(`blobs/sha256/${d.digest.slice(7)}`);
    assert.ok(b, `blob ${d.digest} missing`);
    assert.equal(b.length, d.size, `size of ${d.digest}`);
    return b;
  };
  const manifest = JSON.parse(blob(desc).toString());
  assert.equal(desc.digest, img.manifest.digest);
  assert.equal(manifest.schemaVersion, 2);
  assert.equal(manifest.config.mediaType, MediaType.config);
  const config = JSON.parse(blob(manifest.config).toString());
  assert.equal(config.os, 'linux');
  assert.equal(config.architecture, goArch().architecture);
  assert.deepEqual(config.config.Entrypoint, ['/bin/hello']);
  assert.deepEqual(config.config.Cmd, ['--loud']);
  assert.deepEqual(config.config.Env, ['A=1']);
  assert.equal(config.config.WorkingDir, '/bin');
  assert.equal(config.history.length, 1);

  assert.equal(manifest.layers.length, 1);
  assert.equal(manifest.layers[0].mediaType, MediaType.layerGzip);
  const layerTar = gunzipSync(blob(manifest.layers[0]));
  // diff_id is the digest of the uncompressed layer (OCI image-spec config.md, rootfs.diff_ids).
  assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: [hex(layerTar)] });
  assert.equal(img.diffId, hex(layerTar));
  const layer = await readTar(Readable.from([layerTar]), () => true);
  assert.deepEqual(layer.entries.map((e) => [e.path, e.type]), [['bin/', 'dir'], ['bin/hello', 'file'], ['bin/hi', 'symlink']]);
  assert.equal(layer.files.get('bin/hello')?.toString(), '#!/bin/sh\necho hi\n');

  // docker-archive view of the same blobs
  const docker = JSON.parse(files.get('manifest.json')!.toString());
  assert.deepEqual(docker, [{ Config: `blobs/sha256/${manifest.config.digest.slice(7)}`, RepoTags: ['kedge.local/demo:0.1'], Layers: [`blobs/sha256/${manifest.layers[0].digest.slice(7)}`] }]);
});

test('builds are deterministic; any change in content or config changes the digest', () => {
  const a = buildImage(spec);
  const b = buildImage({ ...spec, files: [...spec.files] });
  assert.deepEqual(a.tar, b.tar);
  assert.equal(a.manifest.digest, b.manifest.digest);
  const content = buildImage({ ...spec, files: [{ type: 'file', path: 'bin/hello', data: 'other' }] });
  assert.notEqual(content.layer.digest, a.layer.digest);
  assert.notEqual(content.manifest.digest, a.manifest.digest);
  const cmd = buildImage({ ...spec, cmd: ['--quiet'] });
  assert.equal(cmd.layer.digest, a.layer.digest);
  assert.notEqual(cmd.config.digest, a.config.digest);
  const renamed = buildImage({ ...spec, name: 'kedge.local/demo:0.2' });
  assert.equal(renamed.manifest.digest, a.manifest.digest, 'the name is an index annotation, not part of the manifest');
});

test('goArch maps Node architectures to Go/OCI names; splitReference finds the tag', () => {
  assert.deepEqual(goArch('x64'), { architecture: 'amd64' });
  assert.deepEqual(goArch('arm64'), { architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(goArch('ia32'), { architecture: '386' });
  assert.deepEqual(goArch('s390x'), { architecture: 's390x' });
  assert.deepEqual(splitReference('kedge.local/busybox:1.35'), { repository: 'kedge.local/busybox', tag: '1.35' });
  assert.deepEqual(splitReference('localhost:5000/pause'), { repository: 'localhost:5000/pause', tag: 'latest' });
  assert.throws(() => buildImage({ ...spec, name: 'Bad Name' }), /invalid image name/);
});
