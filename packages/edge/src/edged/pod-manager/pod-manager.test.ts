// The pod manager against a real private containerd and runc with locally built images (no registry).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '@kedge/api';
import { createLogger, silentLogger } from '@kedge/core';
import { findBinary, installHint, startPrivateContainerd, type RunningContainerd } from '../../containerd/index.js';
import { createCriClient, type CriClient } from '../../cri/index.js';
import { buildTestImages, DEBIAN_BUSYBOX, DEFAULT_BUSYBOX_IMAGE, DEFAULT_PAUSE_IMAGE, importImage } from '../../images/index.js';
import { CONTAINER_NAME, POD_NAME, POD_NAMESPACE, POD_UID } from './labels.js';
import { createPodManager, type PodManager } from './pod-manager.js';
import type { V1PodStatus } from './pod-status.js';
import { removeEverything } from '../remove-pods.js';

const skip = process.getuid?.() !== 0
  ? 'containerd not usable: needs root'
  : !findBinary('containerd') || !findBinary('runc')
    ? `containerd not installed: ${installHint}`
    : !existsSync(DEBIAN_BUSYBOX) ? 'busybox-static not installed: apt-get install busybox-static'
      : !findBinary('ctr') ? 'ctr not installed: apt-get install containerd' : undefined;
if (skip) console.log(`# skipping pod manager tests: ${skip}`);

const NODE = 'edge-1';
const HOST_IP = '192.0.2.10';
let dir = '';
let ctd: RunningContainerd | undefined;
let cri: CriClient;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'kedge-podmgr-test-'));
  ctd = await startPrivateContainerd({ dir, log: silentLogger(), sandboxImage: DEFAULT_PAUSE_IMAGE, cni: { bridge: 'kedgepm0', subnet: '10.90.0.0/16' } });
  cri = createCriClient({ socket: ctd.socket, timeoutMs: 20_000 });
  mkdirSync(join(dir, 'images'));
  const built = await buildTestImages(join(dir, 'images'));
  const platform = `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`;
  for (const file of [built.busybox.file, built.pause.file]) {
    await importImage({ tarball: file, containerdSocket: ctd.socket, platform, snapshotter: ctd.snapshotter });
  }
});

after(async () => {
  if (cri) {
    await removeEverything(cri);
    cri.close();
  }
  await ctd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (!skip) spawnSync('ip', ['link', 'del', 'kedgepm0'], { stdio: 'ignore', timeout: 5000 });
});

function pod(name: string, container: Record<string, unknown>, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: randomUUID() },
    spec: { nodeName: NODE, hostNetwork: true, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: DEFAULT_BUSYBOX_IMAGE, ...container }], ...spec },
  };
}

interface Harness {
  pm: PodManager;
  reports: Map<string, V1PodStatus[]>;
  last(p: KubeObject): V1PodStatus | undefined;
}

// Backoff well above one sync pass even on a loaded machine, so each CrashLoopBackOff window is observed.
function harness(initialBackoffMs = 1000): Harness {
  const reports = new Map<string, V1PodStatus[]>();
  const pm = createPodManager({
    cri,
    nodeName: NODE,
    log: process.env.PM_DEBUG ? createLogger({ level: 'warn' }) : silentLogger(),
    podLogDir: join(dir, 'pods'),
    sandboxImage: DEFAULT_PAUSE_IMAGE,
    hostIP: HOST_IP,
    backoff: { initialMs: initialBackoffMs, maxMs: 8 * initialBackoffMs },
    pullTimeoutMs: 10_000,
    report: (p, s) => {
      const uid = p.metadata.uid!;
      reports.set(uid, [...(reports.get(uid) ?? []), structuredClone(s)]);
    },
  });
  return { pm, reports, last: (p) => reports.get(p.metadata.uid!)?.at(-1) };
}

/** Syncs every 100 ms until `done` holds for the pod's latest status. */
async function syncUntil(h: Harness, desired: KubeObject[], p: KubeObject, what: string, done: (s: V1PodStatus) => boolean, timeoutMs = 20_000): Promise<V1PodStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    await h.pm.sync(desired);
    const s = h.last(p);
    if (s && done(s)) return s;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last status ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runtimeOf(uid: string) {
  const sandboxes = (await cri.listPodSandbox({ filter: { labelSelector: { [POD_UID]: uid } } })).items;
  const containers = (await cri.listContainers({ filter: { labelSelector: { [POD_UID]: uid } } })).containers;
  return { sandboxes, containers };
}

test('a hostNetwork busybox pod runs, is adopted by a new manager without duplicates, and is removed when no longer desired', { skip, timeout: 90_000 }, async () => {
  const p = pod('sleeper', { command: ['sleep', '3600'], env: [{ name: 'GREETING', value: 'edge' }] });
  const h = harness();
  const s = await syncUntil(h, [p], p, 'Running', (st) => st.phase === 'Running');
  const cs = s.containerStatuses[0]!;
  assert.ok('running' in cs.state, JSON.stringify(cs));
  assert.equal(cs.ready, true);
  assert.equal(cs.started, true);
  assert.equal(cs.restartCount, 0);
  assert.equal(cs.image, DEFAULT_BUSYBOX_IMAGE);
  assert.match(cs.imageID, /^sha256:[0-9a-f]{64}$/);
  assert.match(cs.containerID ?? '', /^containerd:\/\/[0-9a-f]{64}$/);
  assert.equal(s.hostIP, HOST_IP);
  assert.equal(s.podIP, HOST_IP);
  assert.ok(s.startTime);
  const cond = Object.fromEntries(s.conditions.map((c) => [c.type, c.status]));
  assert.deepEqual(cond, { PodReadyToStartContainers: 'True', Initialized: 'True', Ready: 'True', ContainersReady: 'True', PodScheduled: 'True' });
  assert.equal(s.qosClass, 'BestEffort');

  const uid = p.metadata.uid!;
  const rt = await runtimeOf(uid);
  assert.equal(rt.sandboxes.length, 1);
  assert.equal(rt.containers.length, 1);
  const sb = (await cri.podSandboxStatus({ podSandboxId: rt.sandboxes[0]!.id })).status!;
  assert.equal(sb.linux?.namespaces?.options?.network, 'NODE');
  assert.deepEqual([sb.labels[POD_NAME], sb.labels[POD_NAMESPACE], sb.metadata?.uid], ['sleeper', 'default', uid]);
  const c = (await cri.containerStatus({ containerId: rt.containers[0]!.id })).status!;
  assert.equal(c.labels[CONTAINER_NAME], 'main');
  assert.equal(c.logPath, join(dir, 'pods', `default_sleeper_${uid}`, 'main', '0.log'));
  const env = await cri.execSync({ containerId: c.id, cmd: ['sh', '-c', 'echo $GREETING $(hostname)'], timeout: 10 });
  assert.equal(env.stdout.toString().trim(), `edge ${(await import('node:os')).hostname()}`);

  // An unchanged pod is not reported again.
  const count = h.reports.get(uid)!.length;
  await h.pm.sync([p]);
  assert.equal(h.reports.get(uid)!.length, count);

  // EdgeCore restart: a new manager adopts the running pod.
  const h2 = harness();
  const adopted = await syncUntil(h2, [p], p, 'Running after adoption', (st) => st.phase === 'Running');
  assert.equal(adopted.containerStatuses[0]!.containerID, cs.containerID);
  assert.equal(adopted.containerStatuses[0]!.restartCount, 0);
  const rt2 = await runtimeOf(uid);
  assert.deepEqual(rt2.sandboxes.map((x) => x.id), rt.sandboxes.map((x) => x.id));
  assert.deepEqual(rt2.containers.map((x) => x.id), rt.containers.map((x) => x.id));

  await h2.pm.sync([]);
  await h2.pm.idle();
  const rt3 = await runtimeOf(uid);
  assert.deepEqual(rt3, { sandboxes: [], containers: [] });
});

test('a container exiting 1 under restartPolicy Always restarts with growing restartCount and CrashLoopBackOff in between', { skip, timeout: 90_000 }, async () => {
  const p = pod('crasher', { command: ['sh', '-c', 'echo crash; exit 1'] });
  const h = harness(2000);
  const s = await syncUntil(h, [p], p, 'restartCount 3', (st) => st.containerStatuses[0]!.restartCount >= 3, 40_000);
  assert.equal(s.phase, 'Running');
  const seen = h.reports.get(p.metadata.uid!)!.map((st) => st.containerStatuses[0]!);
  const crashLoop = seen.filter((c) => 'waiting' in c.state && c.state.waiting.reason === 'CrashLoopBackOff');
  assert.ok(crashLoop.length >= 2, JSON.stringify(seen.map((c) => c.state)));
  const last = crashLoop.at(-1)!;
  assert.ok('terminated' in last.lastState && last.lastState.terminated.exitCode === 1 && last.lastState.terminated.reason === 'Error', JSON.stringify(last));
  assert.equal(last.ready, false);
  // Restart counts never go down, and the backoff message grows.
  const counts = seen.map((c) => c.restartCount);
  assert.deepEqual(counts, [...counts].sort((a, b) => a - b));
  const messages = crashLoop.map((c) => ('waiting' in c.state ? c.state.waiting.message : ''));
  assert.ok(messages.some((m) => m?.startsWith('back-off 2s ')) && messages.some((m) => m?.startsWith('back-off 4s ')), messages.join('\n'));
  // Only the newest dead container is kept next to the current one.
  assert.ok((await runtimeOf(p.metadata.uid!)).containers.length <= 2);
  await h.pm.sync([]);
  await h.pm.idle();
  assert.deepEqual(await runtimeOf(p.metadata.uid!), { sandboxes: [], containers: [] });
});

test('restartPolicy Never leaves a failed container terminated and the pod Failed', { skip, timeout: 60_000 }, async () => {
  const p = pod('once', { command: ['sh', '-c', 'exit 3'] }, { restartPolicy: 'Never' });
  const h = harness();
  const s = await syncUntil(h, [p], p, 'Failed', (st) => st.phase === 'Failed');
  const cs = s.containerStatuses[0]!;
  assert.ok('terminated' in cs.state && cs.state.terminated.exitCode === 3 && cs.state.terminated.reason === 'Error', JSON.stringify(cs));
  assert.equal(cs.restartCount, 0);
  await h.pm.sync([]);
  await h.pm.idle();
});

test('a bad image gives ErrImagePull, then ImagePullBackOff, without failing the sync', { skip, timeout: 60_000 }, async () => {
  const p = pod('badimage', { image: '127.0.0.1:1/kedge/nope:1', command: ['true'] });
  const h = harness();
  const first = await syncUntil(h, [p], p, 'ErrImagePull', (st) => 'waiting' in st.containerStatuses[0]!.state);
  const w = first.containerStatuses[0]!.state;
  assert.ok('waiting' in w && w.waiting.reason === 'ErrImagePull', JSON.stringify(w));
  assert.equal(first.phase, 'Pending');
  await h.pm.sync([p]);
  const next = h.last(p)!.containerStatuses[0]!.state;
  assert.ok('waiting' in next && next.waiting.reason === 'ImagePullBackOff', JSON.stringify(next));
  assert.equal((await runtimeOf(p.metadata.uid!)).containers.length, 0);
  await h.pm.sync([]);
  await h.pm.idle();
  assert.deepEqual(await runtimeOf(p.metadata.uid!), { sandboxes: [], containers: [] });
});

test('a pod without hostNetwork gets a bridge IP from CNI and serves HTTP on it', { skip, timeout: 60_000 }, async () => {
  const p = pod('bridged', { command: ['httpd', '-f', '-p', '8080', '-h', '/var/www'], ports: [{ name: 'http', containerPort: 8080 }] }, { hostNetwork: false });
  const h = harness();
  const s = await syncUntil(h, [p], p, 'Running', (st) => st.phase === 'Running');
  assert.match(s.podIP ?? '', /^10\.90\.\d+\.\d+$/, JSON.stringify(s));
  assert.deepEqual(s.podIPs, [{ ip: s.podIP }]);
  assert.equal(s.hostIP, HOST_IP);
  const rt = await runtimeOf(p.metadata.uid!);
  const sb = (await cri.podSandboxStatus({ podSandboxId: rt.sandboxes[0]!.id })).status!;
  assert.equal(sb.linux?.namespaces?.options?.network, 'POD');
  // httpd answers 404 for the empty docroot: any HTTP answer proves the pod is reachable at its IP.
  const until = Date.now() + 10_000;
  let status = 0;
  while (Date.now() < until && !status) {
    status = await fetch(`http://${s.podIP}:8080/`).then((r) => r.status, () => 0);
    if (!status) await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(status, 404);
  const hostname = await cri.execSync({ containerId: rt.containers[0]!.id, cmd: ['hostname'], timeout: 10 });
  assert.equal(hostname.stdout.toString().trim(), 'bridged');
  await h.pm.sync([]);
  await h.pm.idle();
  assert.deepEqual(await runtimeOf(p.metadata.uid!), { sandboxes: [], containers: [] });
});
