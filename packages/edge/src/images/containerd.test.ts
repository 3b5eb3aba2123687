// Real proof: images built here import into a real containerd and run under runc, with no registry.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { importImage, listImages } from './import.js';
import { buildImage } from './oci-writer.js';
import { readTar } from './tar-reader.js';
import { writeTar, type TarEntry } from './tar-writer.js';
import { buildTestImages, DEBIAN_BUSYBOX, DEFAULT_BUSYBOX_IMAGE, DEFAULT_PAUSE_IMAGE } from './test-images.js';

const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const skip = process.getuid?.() !== 0 ? 'needs root (containerd + runc)'
  : !has('containerd') || !has('ctr') ? 'containerd/ctr not installed (apt-get install containerd)'
  : !has('runc') ? 'runc not installed (apt-get install runc)'
  : !existsSync(DEBIAN_BUSYBOX) ? 'busybox-static not installed (apt-get install busybox-static)'
  : undefined;
if (skip) console.log(`# skipping containerd image tests: ${skip}`);

let dir = '';
let socket = '';
let child: ChildProcess | undefined;

function ctr(args: string[], timeoutMs = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('ctr', ['--address', socket, '--namespace', 'k8s.io', ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'kedge-images-'));
  socket = join(dir, 'containerd.sock');
  // A private containerd (own root, state, socket); CRI is off since only ctr talks to it here.
  writeFileSync(join(dir, 'config.toml'), [
    'version = 2',
    `root = ${JSON.stringify(join(dir, 'root'))}`,
    `state = ${JSON.stringify(join(dir, 'state'))}`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    `[grpc]\n  address = ${JSON.stringify(socket)}`,
    `[ttrpc]\n  address = ${JSON.stringify(socket + '.ttrpc')}`,
    `[plugins."io.containerd.internal.v1.opt"]\n  path = ${JSON.stringify(join(dir, 'opt'))}`,
    '',
  ].join('\n'));
  const log = openSync(join(dir, 'containerd.log'), 'a');
  child = spawn('containerd', ['--config', join(dir, 'config.toml')], { stdio: ['ignore', log, log] });
  closeSync(log);
  const until = Date.now() + 20_000;
  while (!(await ctr(['version'], 2000)).stdout.includes('Server:')) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`containerd did not start: ${readFileSync(join(dir, 'containerd.log'), 'utf8').slice(-500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

after(async () => {
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    process.kill(child.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('busybox and pause images import into containerd and run under runc', { skip, timeout: 120_000 }, async () => {
  const built = await buildTestImages(dir);
  assert.deepEqual(await importImage({ tarball: built.busybox.file, containerdSocket: socket }), [DEFAULT_BUSYBOX_IMAGE]);
  assert.deepEqual(await importImage({ tarball: built.pause.file, containerdSocket: socket, platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}` }), [DEFAULT_PAUSE_IMAGE]);
  const names = await listImages({ containerdSocket: socket });
  assert.ok(names.includes(DEFAULT_BUSYBOX_IMAGE) && names.includes(DEFAULT_PAUSE_IMAGE), names.join(','));
  // Re-importing the same archive is idempotent and still reports the name.
  assert.deepEqual(await importImage({ tarball: built.busybox.file, containerdSocket: socket }), [DEFAULT_BUSYBOX_IMAGE]);

  // gzipped (docker save | gzip) and docker-archive-only (no oci-layout/index.json) archives import too.
  const custom = buildImage({ name: 'kedge.local/hello:1', files: [{ type: 'file', path: 'hello.txt', data: 'hi from gzip\n' }] });
  writeFileSync(join(dir, 'hello.tar.gz'), gzipSync(custom.tar));
  assert.deepEqual(await importImage({ tarball: join(dir, 'hello.tar.gz'), containerdSocket: socket }), ['kedge.local/hello:1']);
  const { files } = await readTar(Readable.from([custom.tar]), () => true);
  const dockerOnly = [...files].filter(([p]) => p === 'manifest.json' || p.startsWith('blobs/')).map(([path, data]): TarEntry => ({ type: 'file', path, data }));
  const manifest = JSON.parse(files.get('manifest.json')!.toString());
  manifest[0].RepoTags = ['kedge.local/hello:docker'];
  writeFileSync(join(dir, 'hello-docker.tar'), writeTar(dockerOnly.map((e) => (e.path === 'manifest.json' ? { ...e, data: JSON.stringify(manifest) } : e))));
  assert.deepEqual(await importImage({ tarball: join(dir, 'hello-docker.tar'), containerdSocket: socket }), ['kedge.local/hello:docker']);
  assert.ok((await listImages({ containerdSocket: socket })).includes('kedge.local/hello:docker'));

  const id = `t-${randomBytes(4).toString('hex')}`;
  const run = await ctr(['run', '--rm', '--net-host', DEFAULT_BUSYBOX_IMAGE, id, 'echo', 'hello']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'hello');

  const sh = await ctr(['run', '--rm', '--net-host', DEFAULT_BUSYBOX_IMAGE, `${id}-sh`, 'sh', '-c', 'id -u; ls -ld /tmp; wget --help 2>&1 | head -1; cat /etc/passwd | head -1']);
  assert.equal(sh.code, 0, sh.stderr);
  assert.match(sh.stdout, /^0$/m);
  assert.match(sh.stdout, /^drwxrwxrwt /m);
  assert.match(sh.stdout, /BusyBox/);
  assert.match(sh.stdout, /^root:x:0:0:/m);
});

test('the pause image runs until SIGTERM and then exits 0 at once', { skip, timeout: 60_000 }, async () => {
  const names = await listImages({ containerdSocket: socket });
  assert.ok(names.includes(DEFAULT_PAUSE_IMAGE), 'pause image imported by the previous test');
  const id = `p-${randomBytes(4).toString('hex')}`;
  // In the foreground, ctr run exits with the container's exit status.
  const running = ctr(['run', '--rm', '--net-host', DEFAULT_PAUSE_IMAGE, id], 30_000);
  try {
    const until = Date.now() + 10_000;
    while (!new RegExp(`^${id}\\s+\\d+\\s+RUNNING`, 'm').test((await ctr(['tasks', 'ls'])).stdout)) {
      assert.ok(Date.now() < until, 'pause container running within 10 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    assert.equal((await ctr(['tasks', 'kill', '--signal', 'SIGTERM', id])).code, 0);
    const done = await running;
    assert.equal(done.code, 0, `exit status after SIGTERM: ${done.code} ${done.stderr}`);
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  } finally {
    await ctr(['tasks', 'kill', '--signal', 'SIGKILL', id]);
    await running;
  }
});
