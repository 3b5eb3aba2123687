// The CRI client against a real containerd 1.6 (private root/state/socket per file) and runc: runtime
// info, images, and a host-network pod running busybox from a locally built image (no registry).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '@kedge/core';
import { findBinary, installHint, startPrivateContainerd, type RunningContainerd } from '../containerd/index.js';
import { buildTestImages, DEBIAN_BUSYBOX, DEFAULT_BUSYBOX_IMAGE, DEFAULT_PAUSE_IMAGE, goArch, importImage } from '../images/index.js';
import { createCriClient, type CriClient } from './cri-client.js';
import { isCriError, isNotFound, isUnavailable } from './errors.js';
import type { ContainerStatus, PodSandboxConfig } from './types.js';

const skip = process.getuid?.() !== 0
  ? 'containerd not usable: needs root'
  : !findBinary('containerd') || !findBinary('runc')
    ? `containerd not installed: ${installHint}`
    : undefined;
const skipPods = skip ?? (!existsSync(DEBIAN_BUSYBOX) ? 'busybox-static not installed: apt-get install busybox-static' : !findBinary('ctr') ? 'ctr not installed: apt-get install containerd' : undefined);
if (skip) console.log(`# skipping CRI tests: ${skip}`);

let dir = '';
let ctd: RunningContainerd | undefined;
let cri: CriClient;
const sandboxes: string[] = [];

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'kedge-cri-test-'));
  ctd = await startPrivateContainerd({ dir, log: silentLogger(), cni: { bridge: 'kedgecrit0', subnet: '10.89.0.0/16' } });
  cri = createCriClient({ socket: ctd.socket, timeoutMs: 20_000 });
});

after(async () => {
  // Pods first: their shims outlive containerd otherwise.
  for (const id of sandboxes) {
    await cri.stopPodSandbox({ podSandboxId: id }).catch(() => {});
    await cri.removePodSandbox({ podSandboxId: id }).catch(() => {});
  }
  cri?.close();
  await ctd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('Version and Status: runtime ready, network ready with the CNI conflist in place', { skip, timeout: 30_000 }, async () => {
  const v = await cri.version({ version: 'v1' });
  assert.equal(v.runtimeName, 'containerd');
  assert.equal(v.runtimeApiVersion, 'v1');
  assert.match(v.runtimeVersion, /^1\./);
  const s = await cri.status({});
  const cond = Object.fromEntries((s.status?.conditions ?? []).map((c) => [c.type, c]));
  assert.equal(cond.RuntimeReady?.status, true, JSON.stringify(cond.RuntimeReady));
  assert.equal(cond.NetworkReady?.status, true, `NetworkReady: ${cond.NetworkReady?.reason} ${cond.NetworkReady?.message}`);
});

test('a fresh containerd has no images, sandboxes or containers; absent image status is null', { skip, timeout: 30_000 }, async () => {
  assert.deepEqual((await cri.listImages({})).images, []);
  assert.deepEqual((await cri.listPodSandbox({})).items, []);
  assert.deepEqual((await cri.listContainers({})).containers, []);
  const st = await cri.imageStatus({ image: { image: 'kedge.local/absent:1' } });
  assert.equal(st.image, null);
  const fs = await cri.imageFsInfo({});
  assert.ok(fs.imageFilesystems.length >= 1);
  assert.ok(fs.imageFilesystems[0]!.fsId?.mountpoint.startsWith(dir));
});

test('unknown ids are NotFound CriErrors; an unreachable socket is Unavailable', { skip, timeout: 30_000 }, async () => {
  const calls = [() => cri.containerStatus({ containerId: 'nope' }), () => cri.podSandboxStatus({ podSandboxId: 'nope' }), () => cri.startContainer({ containerId: 'nope' })];
  for (const call of calls) {
    await assert.rejects(call(), (e: unknown) => {
      assert.ok(isCriError(e) && isNotFound(e), String(e));
      assert.equal(e.codeName, 'NOT_FOUND');
      return true;
    });
  }
  const dead = createCriClient({ socket: join(dir, 'nobody.sock'), timeoutMs: 1000 });
  try {
    await assert.rejects(dead.version({}), (e: unknown) => isUnavailable(e) && !isNotFound(e));
  } finally {
    dead.close();
  }
});

test('a host-network pod runs busybox: echo reaches the CRI log file, exec returns exit codes', { skip: skipPods, timeout: 120_000 }, async () => {
  mkdirSync(join(dir, 'images'));
  const built = await buildTestImages(join(dir, 'images'));
  const platform = `linux/${goArch().architecture}`;
  for (const file of [built.busybox.file, built.pause.file]) {
    await importImage({ tarball: file, containerdSocket: ctd!.socket, platform, snapshotter: ctd!.snapshotter });
  }
  const img = await cri.imageStatus({ image: { image: DEFAULT_BUSYBOX_IMAGE } });
  assert.ok(img.image?.repoTags.includes(DEFAULT_BUSYBOX_IMAGE), JSON.stringify(img.image));
  assert.ok((await cri.listImages({})).images.some((i) => i.repoTags.includes(DEFAULT_PAUSE_IMAGE)));

  const uid = randomBytes(4).toString('hex');
  const logDirectory = join(dir, 'pods', `default_echo_${uid}`);
  const sandboxConfig: PodSandboxConfig = {
    metadata: { name: 'echo', namespace: 'default', uid, attempt: 0 },
    logDirectory,
    labels: { 'kedge.io/pod-uid': uid },
    annotations: { 'kedge.io/test': 'yes' },
    linux: { securityContext: { namespaceOptions: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } } },
  };
  const { podSandboxId } = await cri.runPodSandbox({ config: sandboxConfig });
  sandboxes.push(podSandboxId);
  const ps = await cri.podSandboxStatus({ podSandboxId });
  assert.equal(ps.status?.state, 'SANDBOX_READY');
  assert.equal(ps.status?.metadata?.uid, uid);
  assert.equal(ps.status?.annotations['kedge.io/test'], 'yes');
  assert.equal(ps.status?.linux?.namespaces?.options?.network, 'NODE');
  const listed = await cri.listPodSandbox({ filter: { labelSelector: { 'kedge.io/pod-uid': uid } } });
  assert.deepEqual(listed.items.map((s) => s.id), [podSandboxId]);

  const { containerId } = await cri.createContainer({
    podSandboxId,
    sandboxConfig,
    config: {
      metadata: { name: 'hello', attempt: 0 },
      image: { image: DEFAULT_BUSYBOX_IMAGE },
      command: ['sh', '-c'],
      args: ['echo hello $GREETING; echo oops >&2; exit 7'],
      envs: [{ key: 'GREETING', value: 'edge' }],
      logPath: 'hello/0.log',
      linux: { resources: { memoryLimitInBytes: 64 * 1024 * 1024, cpuShares: 256 } },
    },
  });
  await cri.startContainer({ containerId });
  const exited = await waitFor<ContainerStatus>('the echo container to exit', async () => {
    const s = (await cri.containerStatus({ containerId })).status!;
    return s.state === 'CONTAINER_EXITED' ? s : undefined;
  });
  assert.equal(exited.exitCode, 7);
  assert.equal(exited.metadata?.name, 'hello');
  // Both set; containerd may stamp startedAt after a fast exit, so they are not ordered.
  assert.ok(BigInt(exited.startedAt) > 0n && BigInt(exited.finishedAt) > 0n, `started ${exited.startedAt} finished ${exited.finishedAt}`);
  assert.equal(exited.logPath, join(logDirectory, 'hello/0.log'));
  // CRI log format: "<RFC3339Nano> <stream> <P|F> <text>" per line.
  const lines = readFileSync(exited.logPath, 'utf8').trim().split('\n');
  assert.ok(lines.some((l) => /^\S+ stdout F hello edge$/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^\S+ stderr F oops$/.test(l)), lines.join('\n'));
  await cri.removeContainer({ containerId });
  await assert.rejects(cri.containerStatus({ containerId }), isNotFound);

  // A long-running container for exec.
  const { containerId: sleeper } = await cri.createContainer({
    podSandboxId,
    sandboxConfig,
    config: { metadata: { name: 'sleeper' }, image: { image: DEFAULT_BUSYBOX_IMAGE }, command: ['sleep', '300'], logPath: 'sleeper/0.log' },
  });
  await cri.startContainer({ containerId: sleeper });
  const running = await cri.listContainers({ filter: { podSandboxId, state: { state: 'CONTAINER_RUNNING' } } });
  assert.deepEqual(running.containers.map((c) => c.id), [sleeper]);
  const ex = await cri.execSync({ containerId: sleeper, cmd: ['sh', '-c', 'echo in-$(hostname -s >/dev/null && echo pod); exit 3'], timeout: 10 });
  assert.equal(ex.exitCode, 3);
  assert.equal(ex.stdout.toString().trim(), 'in-pod');
  const url = await cri.exec({ containerId: sleeper, cmd: ['sh'], stdin: true, stdout: true });
  assert.match(url.url, /^http:\/\/127\.0\.0\.1:\d+\/exec\//);
  await cri.stopContainer({ containerId: sleeper, timeout: 1 });
  assert.equal((await cri.containerStatus({ containerId: sleeper })).status?.state, 'CONTAINER_EXITED');

  await cri.stopPodSandbox({ podSandboxId });
  await cri.removePodSandbox({ podSandboxId });
  sandboxes.pop();
  assert.deepEqual((await cri.listContainers({ filter: { podSandboxId } })).containers, []);
  await assert.rejects(cri.podSandboxStatus({ podSandboxId }), isNotFound);
});
