#!/usr/bin/env node
// Edge benchmark (issue 4, docs/benchmarks.md "Edge"): real `kedge server` + `kedge join` processes, the
// edge running pods on its private containerd with the local busybox image (no registry).
//  (a) EdgeCore RSS idle (0 pods) and CPU idle (% of one core over --idle-seconds);
//  (b) pod start latency, create → Running as the API shows it, for --pods pods created at once: p50/p99;
//      EdgeCore RSS with those pods running;
//  (c) offline reboot recovery: cloud stopped, EdgeCore + containerd + shims + containers killed, then
//      EdgeCore start → every pod running again in the runtime, cloud still down.
//  (d) raw CRI baseline (round 4): the same pods started straight through kedge's CRI client on a second
//      private containerd (the config Edged's gets), RunPodSandbox → CreateContainer → StartContainer →
//      ContainerStatus RUNNING per pod, all at once; and one pod alone both ways (per-pod fixed overhead).
//   node bench/edge.mjs [--pods 20] [--idle-seconds 30] [--idle-only] [--logs DIR] [--singles 3]
// --singles N: how many times one pod alone is started each way (the median is reported).
// --idle-only stops after (a): the quick loop for idle-memory work (docs/benchmarks.md "Edge", round 3).
// --logs DIR writes the cloud's and the edge's debug logs there (for per-step timestamps).
// Needs root, containerd, runc and busybox-static (the e2e suite's requirements).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import os from 'node:os';
import { silentLogger } from '@kedge/core';
import { startPrivateContainerd } from '@kedge/edge/containerd/index.js';
import { createCriClient } from '@kedge/edge/cri/index.js';
import { ensureLocalImages } from '@kedge/edge/edged/index.js';
import { containerConfig, sandboxConfig } from '@kedge/edge/edged/pod-manager/runtime-config.js';
import { DEFAULT_PAUSE_IMAGE } from '@kedge/edge/images/index.js';
import { startCloud, startEdge } from '@kedge/e2e/harness/edge-link.js';
import { waitFor, sleep } from '@kedge/e2e/harness/wait.js';
import { BUSYBOX, edgeCri, edgedSkipReason, podContainers, powerCut, reapRuntime } from '@kedge/e2e/edged/runtime.js';

const { values: opts } = parseArgs({ options: { pods: { type: 'string', default: '20' }, 'idle-seconds': { type: 'string', default: '30' }, 'idle-only': { type: 'boolean', default: false }, logs: { type: 'string' }, singles: { type: 'string', default: '3' } } });
const SINGLES = Number(opts.singles);
const PODS = Number(opts.pods);
const IDLE_S = Number(opts['idle-seconds']);
const NODE = 'bench-edge-1';
const NS = 'default';
const TICK = 100; // USER_HZ on Linux

const skip = edgedSkipReason();
if (skip) {
  console.error(`bench/edge: cannot run: ${skip}`);
  process.exit(2);
}

/** EdgeCore's pid: the `kedge` process whose command line names this edge's data dir. */
function edgePid(dataDir) {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.includes(dataDir)) && cmd.some((a) => a === 'edge' || a === 'join') && !cmd.some((a) => a.includes('containerd'))) return Number(d);
    } catch { /* gone */ }
  }
  throw new Error(`no EdgeCore process for ${dataDir}`);
}
const statusKB = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const rssMB = (pid) => statusKB(pid, 'VmRSS') / 1024;
const cpuTicks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
};
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

const podBody = (i) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: `bench-${i}`, namespace: NS, labels: { app: 'bench' } },
  spec: {
    nodeSelector: { 'kubernetes.io/hostname': NODE }, hostNetwork: true, terminationGracePeriodSeconds: 1,
    containers: [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'] }],
  },
});

const ms = (x) => Math.round(x);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const latencyOf = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50ms: ms(pct(s, 50)), p99ms: ms(pct(s, 99)), maxMs: ms(s.at(-1)) };
};

/** Stops and removes every container and sandbox on `cri` (the raw baseline's clean-up). */
async function clearRuntime(cri) {
  for (const c of (await cri.listContainers({})).containers) {
    await cri.stopContainer({ containerId: c.id, timeout: 0 }).catch(() => {});
    await cri.removeContainer({ containerId: c.id }).catch(() => {});
  }
  await Promise.all((await cri.listPodSandbox({})).items.map(async (s) => {
    await cri.stopPodSandbox({ podSandboxId: s.id }).catch(() => {});
    await cri.removePodSandbox({ podSandboxId: s.id }).catch(() => {});
  }));
}

/**
 * (d) The runtime alone: `n` pods shaped as podBody's (kedge's own sandbox and container configs, so the same
 * labels, annotations, namespaces and log paths), started at once straight through the CRI client, each timed
 * RunPodSandbox → CreateContainer → StartContainer → ContainerStatus RUNNING. Leaves the runtime empty.
 */
async function rawStart(cri, n, podLogDir, prefix) {
  const one = async (i) => {
    const pod = podBody(i);
    pod.metadata.name = `${prefix}-${i}`;
    pod.metadata.uid = randomUUID();
    const t0 = performance.now();
    const sb = sandboxConfig(pod, { podLogDir, attempt: 0 });
    const { podSandboxId } = await cri.runPodSandbox({ config: sb }, { timeoutMs: 60_000 });
    const t1 = performance.now();
    const { containerId } = await cri.createContainer({ podSandboxId, sandboxConfig: sb, config: containerConfig(pod, pod.spec.containers[0], 0, { envs: [], mounts: [] }) });
    const t2 = performance.now();
    await cri.startContainer({ containerId });
    const t3 = performance.now();
    while ((await cri.containerStatus({ containerId })).status?.state !== 'CONTAINER_RUNNING') await sleep(10);
    const t4 = performance.now();
    return { ms: t4 - t0, sandboxMs: t1 - t0, createMs: t2 - t1, startMs: t3 - t2, statusMs: t4 - t3 };
  };
  try {
    const runs = await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
    const steps = Object.fromEntries(['sandboxMs', 'createMs', 'startMs', 'statusMs'].map((k) => [k, ms(median(runs.map((r) => r[k])))]));
    return { ...latencyOf(runs.map((r) => r.ms)), stepMedians: steps };
  } finally {
    await clearRuntime(cri);
  }
}

/** PIDs of containerd shims serving `socket`. */
function shimPids(socket) {
  const pids = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (cmd[0]?.includes('containerd-shim') && cmd.includes(socket)) pids.push(Number(d));
    } catch { /* gone */ }
  }
  return pids;
}

/** (d) on a private containerd of its own (same config as Edged's), one pod alone then PODS at once. */
async function rawBaseline() {
  const dir = mkdtempSync(join(os.tmpdir(), 'kedge-bench-raw-'));
  const podLogDir = join(dir, 'pod-logs');
  mkdirSync(podLogDir, { recursive: true });
  const ctd = await startPrivateContainerd({ dir: join(dir, 'containerd'), log: silentLogger(), sandboxImage: DEFAULT_PAUSE_IMAGE });
  const cri = createCriClient({ socket: ctd.socket, timeoutMs: 60_000 });
  try {
    await ensureLocalImages({ cri, containerd: ctd, sandboxImage: DEFAULT_PAUSE_IMAGE, busybox: true, log: silentLogger(), tmpDir: dir });
    const ones = [];
    for (let k = 0; k < SINGLES; k++) ones.push(await rawStart(cri, 1, podLogDir, `raw-one-${k}`));
    const all = await rawStart(cri, PODS, podLogDir, 'raw');
    return { onePodMs: median(ones.map((o) => o.maxMs)), onePodRunsMs: ones.map((o) => o.maxMs), oneSteps: ones.at(-1).stepMedians, ...all };
  } finally {
    cri.close();
    await ctd.stop();
    await waitFor(() => shimPids(ctd.socket).length === 0, { timeoutMs: 10_000, message: 'raw shims to exit' }).catch(() => {
      for (const pid of shimPids(ctd.socket)) process.kill(pid, 'SIGKILL');
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Creates pods `names` through the API at once; resolves name → ms until the API shows it Running. */
async function startThroughApi(names, selector) {
  const created = new Map();
  await Promise.all(names.map(async (name, i) => {
    const body = podBody(i);
    body.metadata.name = name;
    body.metadata.labels = { app: selector };
    const t = performance.now();
    const r = await cloud.kube.request('POST', `/api/v1/namespaces/${NS}/pods`, body);
    if (r.status !== 201) throw new Error(`create pod: HTTP ${r.status} ${r.text}`);
    created.set(name, t);
  }));
  const running = new Map();
  await waitFor(async () => {
    const list = (await cloud.kube.get(`/api/v1/namespaces/${NS}/pods?labelSelector=app%3D${selector}`)).json.items;
    const now = performance.now();
    for (const p of list) if (p.status?.phase === 'Running' && !running.has(p.metadata.name)) running.set(p.metadata.name, now);
    return running.size === names.length;
  }, { timeoutMs: 120_000, intervalMs: 50, message: `${names.length} pods Running` });
  return [...running].map(([n, t]) => t - created.get(n));
}

const IDLE_ONLY = Symbol('idle-only');
const cloud = await startCloud();
let edge;
// Load average at start and end: the shared VM's other work queues ahead of runc and the shims.
const result = { machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGB: round(os.totalmem() / 2 ** 30), node: process.version, loadStart: os.loadavg().map((l) => round(l, 2)) }, pods: PODS };
try {
  edge = await startEdge({ cloud, name: NODE });
  await waitFor(() => /edged running pods on/.test(edge.stdout()), { timeoutMs: 60_000, message: 'edged up' }).catch((err) => {
    throw new Error(`${err.message}\nedge stdout: ${edge.stdout()}\nedge stderr: ${edge.stderrTail(2000)}`);
  });
  await waitFor(async () => (await cloud.kube.get(`/api/v1/nodes/${NODE}`)).json?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), { timeoutMs: 30_000, message: 'node Ready' });
  await sleep(5_000);
  let pid = edgePid(edge.dataDir);

  // (a) idle
  const rssIdle = rssMB(pid);
  const t0 = cpuTicks(pid);
  await sleep(IDLE_S * 1000);
  const cpuIdle = ((cpuTicks(pid) - t0) / TICK / IDLE_S) * 100;
  // VmRSS (what KubeEdge's figure is) split into anonymous memory and mapped files (node binary, addons).
  result.idle = { rssMB: round(rssIdle), cpuPercent: round(cpuIdle, 2), seconds: IDLE_S, rssAfterMB: round(rssMB(pid)), anonMB: round(statusKB(pid, 'RssAnon') / 1024), fileMB: round(statusKB(pid, 'RssFile') / 1024), threads: statusKB(pid, 'Threads') };
  if (opts['idle-only']) throw IDLE_ONLY;

  // (d) first, while the edge idles: the runtime alone, then one pod alone through kedge (deleted again).
  result.raw = await rawBaseline();
  const ones = [];
  for (let k = 0; k < SINGLES; k++) {
    const name = `bench-one-${k}`;
    ones.push(ms((await startThroughApi([name], name))[0]));
    await cloud.kube.request('DELETE', `/api/v1/namespaces/${NS}/pods/${name}`);
    await waitFor(async () => (await cloud.kube.get(`/api/v1/namespaces/${NS}/pods/${name}`)).status === 404, { timeoutMs: 60_000, message: `${name} deleted` });
  }
  result.kedgeOnePodMs = median(ones);
  result.kedgeOnePodRunsMs = ones;

  // (b) start latency
  const lat = await startThroughApi(Array.from({ length: PODS }, (_, i) => `bench-${i}`), 'bench');
  result.start = latencyOf(lat);
  result.vsRaw = { p50: round(result.start.p50ms / result.raw.p50ms, 2), p99: round(result.start.p99ms / result.raw.p99ms, 2), onePod: round(result.kedgeOnePodMs / result.raw.onePodMs, 2) };
  if (opts.logs) {
    mkdirSync(opts.logs, { recursive: true });
    writeFileSync(join(opts.logs, 'cloud.log'), cloud.stderrTail(1e9));
    writeFileSync(join(opts.logs, 'edge.log'), edge.stderrTail(1e9));
  }
  await sleep(5_000);
  result.withPods = { rssMB: round(rssMB(pid)) };
  const uids = (await cloud.kube.get(`/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dbench`)).json.items.map((p) => p.metadata.uid);

  // (c) reboot with the cloud down
  await cloud.kill();
  await edge.kill();
  powerCut(edge.dataDir);
  const tStart = performance.now();
  await edge.start();
  const tProcessUp = performance.now();
  const cri = edgeCri(edge.dataDir);
  try {
    await waitFor(async () => {
      for (const uid of uids) {
        if (!(await podContainers(cri, uid)).some((c) => c.state === 'CONTAINER_RUNNING')) return false;
      }
      return true;
    }, { timeoutMs: 120_000, intervalMs: 100, message: 'all pods running after the reboot' });
  } finally {
    cri.close();
  }
  pid = edgePid(edge.dataDir);
  result.recovery = { ms: Math.round(performance.now() - tStart), edgeCoreReadyMs: Math.round(tProcessUp - tStart), rssMB: round(rssMB(pid)) };
} catch (err) {
  if (err !== IDLE_ONLY) throw err;
} finally {
  if (edge) {
    await edge.kill();
    await reapRuntime(edge.dataDir);
    await edge.stop();
  }
  await cloud.stop();
}
result.machine.loadEnd = os.loadavg().map((l) => round(l, 2));
console.log(JSON.stringify(result, null, 2));
const ok = (v, t) => (v <= t ? 'ok' : 'MISSED');
if (opts['idle-only']) {
  console.log(`edge: idle RSS ${result.idle.rssMB} MB, after ${IDLE_S} s ${result.idle.rssAfterMB} MB (anon ${result.idle.anonMB} + files ${result.idle.fileMB}; ≤60 ${ok(result.idle.rssAfterMB, 60)}), idle CPU ${result.idle.cpuPercent}%`);
  process.exit(0);
}
console.log(`edge: idle RSS ${result.idle.rssMB} MB (≤60 ${ok(result.idle.rssMB, 60)}), idle CPU ${result.idle.cpuPercent}%, ${PODS} pods RSS ${result.withPods.rssMB} MB, start p50 ${result.start.p50ms} ms p99 ${result.start.p99ms} ms (≤2000 ${ok(result.start.p99ms, 2000)}; raw CRI p50 ${result.raw.p50ms} p99 ${result.raw.p99ms} ms, kedge/raw ${result.vsRaw.p50}/${result.vsRaw.p99}; one pod kedge ${result.kedgeOnePodMs} ms vs raw ${result.raw.onePodMs} ms), reboot recovery ${result.recovery.ms} ms (≤10000 ${ok(result.recovery.ms, 10000)})`);
