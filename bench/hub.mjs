#!/usr/bin/env node
// Cloud–edge link benchmark (issue 3, docs/benchmarks.md "CloudHub"):
//  (a) cloud→edge throughput through CloudHub to hollow edges vs raw `ws` over TLS, same payloads;
//  (b) N hollow nodes join a CloudCore (`kedge cloud`) in front of a `kedge server --disable-cloudcore`:
//      time to all Ready, CloudCore RSS per node (and API server + CloudCore combined), p99 pod dispatch;
//  (c) reconnect storm: restart CloudCore under N nodes: time to all back, objects written during resync.
//   node bench/hub.mjs [--phases a,b,c] [--nodes 5000] [--pods 2000] [--edges 100] [--messages 200] [--payload-bytes 1024] [--profile DIR]
// Quick run: node bench/hub.mjs --nodes 200 --pods 200 --messages 50
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket, WebSocketServer } from 'ws';
import { R, encodeMessage, newMessage } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { createKubeClient, loadKubeconfig } from '@kedge/core/http-client/index.js';
import { createTestPki, startHub, HUB_CIPHERS } from '@kedge/cloud/cloudhub/hub-harness.js';
import { createEdgeHub, createMetaManager } from '@kedge/edge';
import { createMapStore, runHollowNodes } from '@kedge/edge/sim/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    phases: { type: 'string', default: 'a,b,c' },
    nodes: { type: 'string', default: '5000' },
    pods: { type: 'string' },
    edges: { type: 'string', default: '100' },
    messages: { type: 'string', default: '200' },
    'payload-bytes': { type: 'string', default: '1024' },
    'join-concurrency': { type: 'string', default: '16' },
    'join-timeout': { type: 'string', default: '600' },
    profile: { type: 'string' },
  },
});
const PHASES = new Set(opts.phases.split(','));
const NODES = Number(opts.nodes);
const PODS = Number(opts.pods ?? Math.min(NODES, 2000));
const EDGES = Number(opts.edges);
const MESSAGES = Number(opts.messages);
const PAYLOAD = 'x'.repeat(Number(opts['payload-bytes']));
const log = silentLogger();
// --profile DIR: CPU profiles of all three processes (the spawned ones via --cpu-prof, written on their clean exit;
// this one via the inspector), summarised with `node bench/cpuprofile-top.mjs DIR/*.cpuprofile`.
const PROFILE_DIR = opts.profile;
let profiler;
if (PROFILE_DIR) {
  const { Session } = await import('node:inspector/promises');
  (await import('node:fs')).mkdirSync(PROFILE_DIR, { recursive: true });
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 1000 });
  await profiler.post('Profiler.start');
}
async function stopProfiler() {
  if (!profiler) return;
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(join(PROFILE_DIR, `bench-${process.pid}.cpuprofile`), JSON.stringify(profile));
  profiler.disconnect();
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
function pct(values, p) {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
async function waitUntil(what, fn, timeoutMs, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(everyMs);
  }
}

// ---- (a) throughput ---------------------------------------------------------------------------
function benchPod(node, k, withIdentity) {
  const name = `p-${k}`;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'bench', ...(withIdentity ? { uid: `${node}-${k}`, resourceVersion: String(k + 1) } : {}), annotations: { pad: PAYLOAD } },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }] },
  };
}
const podMsg = (node, k, withIdentity) =>
  newMessage({ source: 'edgecontroller', group: 'resource', operation: 'insert', resource: `node/${node}/bench/pod/p-${k}`, content: benchPod(node, k, withIdentity), ...(withIdentity ? { resourceVersion: String(k + 1) } : {}) });

async function throughputHub(pki, withAck) {
  const running = await startHub(pki, { perNodeQps: 1e9, perNodeBurst: 1e9 });
  const ac = new AbortController();
  const names = Array.from({ length: EDGES }, (_, i) => `edge-${i}`);
  let received = 0;
  const total = EDGES * MESSAGES;
  let allDone;
  const done = new Promise((r) => (allDone = r));
  const runs = [];
  for (const name of names) {
    const pair = await pki.node(name);
    const link = createEdgeHub({ server: `127.0.0.1:${running.port}`, nodeName: name, tls: { caPem: pki.ca.certPem, certPem: pair.certPem, keyPem: pair.keyPem }, log, qps: 1e6, burst: 1e6 });
    const meta = createMetaManager({ store: createMapStore(), link, nodeName: name, log });
    // Counted after the cache write (and before the ACK), as an edge app would see it.
    meta.onObject(() => {
      if (++received === total) allDone();
    });
    runs.push(link.start(ac.signal), meta.start(ac.signal));
  }
  await waitUntil('edges connected', async () => names.every((n) => running.hub.isConnected(n)), 30_000, 50);
  const frames = names.map((n) => Array.from({ length: MESSAGES }, (_, k) => podMsg(n, k, withAck)));
  const t0 = nowMs();
  for (let k = 0; k < MESSAGES; k++) for (let i = 0; i < EDGES; i++) running.hub.send(names[i], frames[i][k]);
  await Promise.race([done, sleep(120_000).then(() => { throw new Error(`hub: only ${received}/${total} delivered`); })]);
  const ms = nowMs() - t0;
  ac.abort();
  await Promise.allSettled(runs);
  await running.stop();
  return { messages: total, ms: round(ms), perSec: Math.round((total / ms) * 1000) };
}

async function throughputRaw(pki) {
  const server = createHttpsServer({ cert: pki.server.certPem, key: pki.server.keyPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: true, ciphers: HUB_CIPHERS, minVersion: 'TLSv1.2' });
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const total = EDGES * MESSAGES;
  let received = 0;
  let allDone;
  const done = new Promise((r) => (allDone = r));
  const sockets = new Map();
  wss.on('connection', (ws, req) => sockets.set(req.url.split('/')[2], ws));
  const clients = [];
  for (let i = 0; i < EDGES; i++) {
    const name = `edge-${i}`;
    const pair = await pki.node(name);
    const ws = new WebSocket(`wss://127.0.0.1:${port}/p/${name}/events`, { ca: pki.ca.certPem, cert: pair.certPem, key: pair.keyPem, perMessageDeflate: false });
    // The same minimum work an edge must do: parse each frame.
    ws.on('message', (d) => {
      JSON.parse(d.toString('utf8'));
      if (++received === total) allDone();
    });
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    clients.push(ws);
  }
  await waitUntil('raw clients registered', async () => sockets.size === EDGES, 10_000, 20);
  const frames = [...sockets.keys()].map((n) => [sockets.get(n), Array.from({ length: MESSAGES }, (_, k) => `${encodeMessage(podMsg(n, k, true))}\n`)]);
  const t0 = nowMs();
  for (let k = 0; k < MESSAGES; k++) for (const [ws, f] of frames) ws.send(f[k]);
  await Promise.race([done, sleep(120_000).then(() => { throw new Error(`raw: only ${received}/${total} delivered`); })]);
  const ms = nowMs() - t0;
  for (const c of clients) c.terminate();
  wss.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  return { messages: total, ms: round(ms), perSec: Math.round((total / ms) * 1000) };
}

// ---- server process ---------------------------------------------------------------------------
function freePort() {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function spawnKedge(args, readyRe, what) {
  const prof = PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR, '--cpu-prof-name', `${args[0]}-${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...prof, join(root, 'packages/cli/dist/main.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => { err = (err + d).slice(-20_000); });
  const exited = new Promise((r) => child.once('exit', (code) => r(code)));
  return {
    child, exited,
    async ready() {
      const deadline = Date.now() + 60_000;
      while (!readyRe.every((re) => re.test(out))) {
        if (child.exitCode !== null || Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`${what} did not start\nstdout: ${out}\nstderr: ${err}`);
        }
        await sleep(50);
      }
      return out;
    },
    rssKb: () => Number(readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]),
    async stop() {
      const t = Date.now();
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout')]);
      if (code === 'timeout') child.kill('SIGKILL');
      return { code, ms: Date.now() - t };
    },
  };
}

/** The API server alone (`kedge server --disable-cloudcore`), so CloudCore's memory can be measured by itself. */
async function startApiServer(dataDir, ports) {
  const p = spawnKedge(['server', '--disable-cloudcore', '--data-dir', dataDir, '--port', String(ports.api), '--storage', 'sqlite', '--log-level', 'warn'], [/^kubeconfig: /m], 'kedge server');
  const out = await p.ready();
  return { ...p, kubeconfig: out.match(/^kubeconfig: (\S+)$/m)[1] };
}

/** CloudCore as its own process (`kedge cloud --kubeconfig`), as the RSS-per-node target names it. */
async function startCloudCore(dataDir, kubeconfig, ports) {
  // CloudHub admits 1 000 nodes by default (KubeEdge's nodeLimit); the fleet needs room for all of them.
  const config = join(dataDir, 'bench-cloud.yaml');
  writeFileSync(config, `cloudcore:\n  cloudHub:\n    nodeLimit: ${NODES + 100}\n`);
  const p = spawnKedge(['cloud', '--kubeconfig', kubeconfig, '--config', config, '--cloudhub-port', String(ports.hub), '--certserver-port', String(ports.cert), '--log-level', 'warn'],
    [/certificate server listening on/m], 'kedge cloud');
  await p.ready();
  return p;
}

function gettoken(kubeconfig) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [join(root, 'packages/cli/dist/main.js'), 'gettoken', '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    c.once('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`gettoken exited ${code}`))));
  });
}

const isReady = (n) => (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
async function countReady(client) {
  const list = await client.list(R.nodes, undefined, { labelSelector: 'kedge.io/hollow=true' });
  return list.items.filter(isReady).length;
}

async function mapLimit(n, conc, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(conc, n) }, async () => {
    while (next < n) await fn(next++);
  }));
}

// ---- (b) join + dispatch, (c) restart ----------------------------------------------------------
async function fleet(result) {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-bench-hub-'));
  const ports = { api: await freePort(), hub: await freePort(), cert: await freePort() };
  const api = await startApiServer(dir, ports);
  let cloud;
  const ac = new AbortController();
  let sim;
  try {
    cloud = await startCloudCore(dir, api.kubeconfig, ports);
    const client = createKubeClient(loadKubeconfig(api.kubeconfig));
    const token = await gettoken(api.kubeconfig);
    await sleep(2000);
    const rssBefore = cloud.rssKb();
    const apiRssBefore = api.rssKb();
    let progress = { connected: 0, registered: 0, failed: 0 };
    const podSeen = new Map();
    const t0 = nowMs();
    sim = runHollowNodes({
      count: NODES, cloud: `127.0.0.1:${ports.hub}`, certServer: `https://127.0.0.1:${ports.cert}`, token, log, signal: ac.signal,
      concurrency: Number(opts['join-concurrency']), joinSpreadMs: NODES * 2,
      onProgress: (p) => (progress = p),
      onPod: (_node, op, pod) => { if (op === 'insert' && !podSeen.has(pod.metadata.name)) podSeen.set(pod.metadata.name, nowMs()); },
    });
    sim.catch((err) => { console.error(err); process.exit(1); });
    let lastLine = '';
    let ready = 0;
    const reached = await waitUntil(`${NODES} nodes Ready`, async () => {
      ready = await countReady(client);
      const line = `t=${round((nowMs() - t0) / 1000)}s connected ${progress.connected}/${NODES} registered ${progress.registered} ready ${ready}`;
      if (line.replace(/t=\S+ /, '') !== lastLine) console.error(line);
      lastLine = line.replace(/t=\S+ /, '');
      return ready >= NODES;
      // Each poll lists every Node (≈ 15 MB of JSON at 5 000): polled once a second it was a large share of
      // the API server's load in the 5 000-node run, so the period grows with the fleet.
    }, Number(opts['join-timeout']) * 1000, Math.max(1000, NODES)).catch((e) => { console.error(e.message); return false; });
    const joinMs = nowMs() - t0;
    await sleep(3000);
    const rssAfter = cloud.rssKb();
    const apiRssAfter = api.rssKb();
    result.join = {
      nodes: NODES, allReadySec: reached ? round(joinMs / 1000) : null, readyAtEnd: ready, connectedAtEnd: progress.connected, failedJoins: progress.failed,
      cloudcoreRssBeforeMB: round(rssBefore / 1024), cloudcoreRssAfterMB: round(rssAfter / 1024), rssPerNodeKB: round((rssAfter - rssBefore) / Math.max(1, progress.connected)),
      // The earlier single-process figure: API server + CloudCore together.
      combinedRssPerNodeKB: round((rssAfter - rssBefore + apiRssAfter - apiRssBefore) / Math.max(1, progress.connected)),
      apiServerRssAfterMB: round(apiRssAfter / 1024),
    };
    console.error(`join: ${JSON.stringify(result.join)}`);
    if (!reached) return;

    // Dispatch: pods bound straight to random hollow nodes; create response → insert in that node's cache.
    const pad = String(NODES - 1).length;
    const created = new Map();
    await mapLimit(PODS, 16, async (k) => {
      const node = `hollow-${String(Math.floor(Math.random() * NODES)).padStart(pad, '0')}`;
      await client.create(R.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `bench-${k}`, namespace: 'default' }, spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }] } });
      created.set(`bench-${k}`, nowMs());
    });
    await waitUntil('all pods dispatched', async () => [...created.keys()].every((n) => podSeen.has(n)), 120_000, 200).catch((e) => console.error(e.message));
    const lat = [...created].filter(([n]) => podSeen.has(n)).map(([n, t]) => Math.max(0, podSeen.get(n) - t));
    result.dispatch = { pods: PODS, delivered: lat.length, p50Ms: round(pct(lat, 50)), p99Ms: round(pct(lat, 99)), maxMs: round(pct(lat, 100)) };
    console.error(`dispatch: ${JSON.stringify(result.dispatch)}`);
    await waitUntil('pods Running', async () => (await client.list(R.pods, 'default')).items.filter((p) => p.status?.phase === 'Running').length >= lat.length, 120_000, 1000)
      .catch((e) => console.error(e.message));

    if (PHASES.has('c')) {
      await sleep(3000);
      const rvAt = Number((await client.list(R.pods, 'default', { limit: 1 })).metadata.resourceVersion);
      const tStop = Date.now();
      const stopped = await cloud.stop();
      cloud = await startCloudCore(dir, api.kubeconfig, ports);
      const c2 = client;
      const tUp = Date.now();
      // Back = every hollow node reconnected and renewed its lease after the restart.
      await waitUntil('all nodes back', async () => {
        if (progress.connected < NODES) return false;
        const leases = await c2.list(R.leases, 'kube-node-lease');
        const renewed = leases.items.filter((l) => Date.parse(l.spec?.renewTime ?? 0) > tUp).length;
        return renewed >= NODES && (await countReady(c2)) >= NODES;
      }, 10 * 60_000, Math.max(1000, NODES / 2));
      const backMs = Date.now() - tStop;
      await sleep(5000);
      // Writes since the restart, per resource, from resourceVersions (no request counter before issue 6).
      const written = {};
      for (const [k, r, ns] of [['pods', R.pods, 'default'], ['objectsyncs', R.objectsyncs, undefined], ['nodes', R.nodes, undefined], ['leases', R.leases, 'kube-node-lease'], ['events', R.events, undefined]]) {
        const items = (await c2.list(r, ns)).items;
        written[k] = items.filter((o) => Number(o.metadata.resourceVersion) > rvAt).length;
      }
      result.restart = { nodes: NODES, objects: PODS, allBackSec: round(backMs / 1000), cloudcoreStopSec: round(stopped.ms / 1000), stopExit: stopped.code, cloudcoreRestartSec: round((tUp - tStop) / 1000), objectsWrittenDuringResync: written };
      console.error(`restart: ${JSON.stringify(result.restart)}`);
    }
  } finally {
    ac.abort();
    await sim?.catch(() => {});
    await cloud?.stop();
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- main -------------------------------------------------------------------------------------
const result = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, params: { nodes: NODES, pods: PODS, edges: EDGES, messagesPerEdge: MESSAGES, payloadBytes: PAYLOAD.length } };
if (PHASES.has('a')) {
  const pki = await createTestPki();
  const raw = await throughputRaw(pki);
  const acked = await throughputHub(pki, true);
  const noAck = await throughputHub(pki, false);
  result.throughput = { raw, hubAckRequired: acked, hubNoAck: noAck, ratioAck: round(acked.perSec / raw.perSec, 2), ratioNoAck: round(noAck.perSec / raw.perSec, 2) };
  console.error(`throughput: ${JSON.stringify(result.throughput)}`);
}
if (PHASES.has('b') || PHASES.has('c')) await fleet(result);

await stopProfiler();
console.log(JSON.stringify(result, null, 2));
const t = result.throughput;
const parts = [];
if (t) parts.push(`throughput ${t.hubAckRequired.perSec}/s acked, ${t.hubNoAck.perSec}/s no-ack vs raw ws ${t.raw.perSec}/s (ratio ${t.ratioAck} / ${t.ratioNoAck}, target >= 0.5)`);
if (result.join) parts.push(`${result.join.nodes} nodes Ready in ${result.join.allReadySec}s, ${result.join.rssPerNodeKB} KB/node (target <= 100)`);
if (result.dispatch) parts.push(`dispatch p99 ${result.dispatch.p99Ms} ms (target <= 1000)`);
if (result.restart) parts.push(`restart: all back in ${result.restart.allBackSec}s (target <= 60), writes ${JSON.stringify(result.restart.objectsWrittenDuringResync)}`);
console.log(`hub: ${parts.join('; ')}`);
process.exit(0);
