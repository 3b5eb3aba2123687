#!/usr/bin/env node
// Edge benchmark (issue 4, docs/benchmarks.md "Edge"): real `kedge server` + `kedge join` processes, the
// edge running pods on its private containerd with the local busybox image (no registry).
//  (a) EdgeCore RSS idle (0 pods) and CPU idle (% of one core over --idle-seconds);
//  (b) pod start latency, create → Running as the API shows it, for --pods pods created at once: p50/p99;
//      EdgeCore RSS with those pods running;
//  (c) offline reboot recovery: cloud stopped, EdgeCore + containerd + shims + containers killed, then
//      EdgeCore start → every pod running again in the runtime, cloud still down.
//   node bench/edge.mjs [--pods 20] [--idle-seconds 30] [--idle-only]
// --idle-only stops after (a): the quick loop for idle-memory work (docs/benchmarks.md "Edge", round 3).
// Needs root, containerd, runc and busybox-static (the e2e suite's requirements).
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import os from 'node:os';
import { startCloud, startEdge } from '@kedge/e2e/harness/edge-link.js';
import { waitFor, sleep } from '@kedge/e2e/harness/wait.js';
import { BUSYBOX, edgeCri, edgedSkipReason, podContainers, powerCut, reapRuntime } from '@kedge/e2e/edged/runtime.js';

const { values: opts } = parseArgs({ options: { pods: { type: 'string', default: '20' }, 'idle-seconds': { type: 'string', default: '30' }, 'idle-only': { type: 'boolean', default: false } } });
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

  // (b) start latency
  const created = new Map();
  await Promise.all(Array.from({ length: PODS }, async (_, i) => {
    const t = performance.now();
    const r = await cloud.kube.request('POST', `/api/v1/namespaces/${NS}/pods`, podBody(i));
    if (r.status !== 201) throw new Error(`create pod: HTTP ${r.status} ${r.text}`);
    created.set(`bench-${i}`, t);
  }));
  const running = new Map();
  await waitFor(async () => {
    const list = (await cloud.kube.get(`/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dbench`)).json.items;
    const now = performance.now();
    for (const p of list) if (p.status?.phase === 'Running' && !running.has(p.metadata.name)) running.set(p.metadata.name, now);
    return running.size === PODS;
  }, { timeoutMs: 120_000, intervalMs: 50, message: `${PODS} pods Running` });
  const lat = [...running].map(([n, t]) => t - created.get(n)).sort((a, b) => a - b);
  result.start = { p50ms: Math.round(pct(lat, 50)), p99ms: Math.round(pct(lat, 99)), maxMs: Math.round(lat.at(-1)) };
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
console.log(`edge: idle RSS ${result.idle.rssMB} MB (≤60 ${ok(result.idle.rssMB, 60)}), idle CPU ${result.idle.cpuPercent}%, ${PODS} pods RSS ${result.withPods.rssMB} MB, start p50 ${result.start.p50ms} ms p99 ${result.start.p99ms} ms (≤2000 ${ok(result.start.p99ms, 2000)}), reboot recovery ${result.recovery.ms} ms (≤10000 ${ok(result.recovery.ms, 10000)})`);
