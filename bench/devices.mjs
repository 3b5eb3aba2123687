#!/usr/bin/env node
// Devices benchmark (issue 5, docs/benchmarks.md "Devices"): a real `kedge server`, a real edge (`kedge join`,
// its CloudHub link through a fault proxy), and one in-process mapper (the SDK + the virtual driver) with
// --devices devices on that node, every property collected and reported every second.
//  (a) end to end: mapper read → DMI → DeviceTwin (SQLite) → EdgeHub → CloudHub → DeviceController → Device
//      status, seen through a watch on devices: twin property updates accepted at the edge per second
//      (kedge_twin_updates_total), status writes per second at the API (watch MODIFIED events; coalesced to
//      one per device per statusCoalesceMs = 1 s), p50/p99 latency read → watch;
//  (b) baseline: raw MQTT QoS 1 publish → subscribe through the same edge's embedded broker, same run; ratio;
//  (c) spool: link cut, --spool twin updates over MQTT into the spool (write rate), link back, drained
//      (replay rate) and the last values visible at the API.
//   node bench/devices.mjs [--devices 1000] [--seconds 30] [--mqtt 20000] [--spool 5000] [--hub-qps 30 --hub-burst 60]
// --hub-qps/--hub-burst set the edge's edgeHub.qps/burst (upstream messages per second; default 30/60, KubeEdge's
// messageQPS/messageBurst), which bounds every upstream twin report and the spool replay; --cloud-qps/--cloud-burst
// set the server's cloudcore.cloudHub.perNodeQps/perNodeBurst (upstream messages accepted per node; default 50/100).
import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parse, stringify } from 'yaml';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { silentLogger } from '@kedge/core';
import { startFaultProxy } from '@kedge/core/testing/fault-proxy.js';
import { startCloud, startEdge } from '@kedge/e2e/harness/edge-link.js';
import { waitFor, sleep } from '@kedge/e2e/harness/wait.js';
import { waitNodeReady } from '@kedge/e2e/edge/fixtures.js';
import { runMapper } from '@kedge/mappers/sdk/index.js';
import { virtualFactory } from '@kedge/mappers/virtual/index.js';

const { values: opts } = parseArgs({ options: {
  devices: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '30' },
  mqtt: { type: 'string', default: '20000' }, spool: { type: 'string', default: '5000' },
  'hub-qps': { type: 'string' }, 'hub-burst': { type: 'string' }, 'cloud-qps': { type: 'string' }, 'cloud-burst': { type: 'string' },
} });
const CLOUD = opts['cloud-qps'] ? { perNodeQps: Number(opts['cloud-qps']), perNodeBurst: Number(opts['cloud-burst'] ?? Number(opts['cloud-qps']) * 2) } : undefined;
const HUB = opts['hub-qps'] ? { qps: Number(opts['hub-qps']), burst: Number(opts['hub-burst'] ?? Number(opts['hub-qps']) * 2) } : undefined;
const progress = (msg) => process.stderr.write(`[devices ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const lastMatch = (re, text) => [...text.matchAll(re)].at(-1)?.[1];
const DEVICES = Number(opts.devices);
const SECONDS = Number(opts.seconds);
const MQTT_N = Number(opts.mqtt);
const SPOOL_N = Number(opts.spool);
const NODE = 'bench-devices-1';
const NS = 'default';
const GROUP = '/apis/devices.kubeedge.io/v1beta1';
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const pct = (xs, p) => (xs.length ? xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] : NaN);
const devName = (i) => `bench-dev-${String(i).padStart(4, '0')}`;

/** The virtual driver, plus a `readAt` property whose value is the time it was read: the latency probe. */
const factory = {
  protocol: 'virtual',
  create(spec, log) {
    const d = virtualFactory.create(spec, log);
    return {
      init: (s) => d.init(s), write: (p, v) => d.write(p, v), health: () => d.health(), stop: () => d.stop(),
      read: (p) => (p.name === 'readAt' ? Promise.resolve(String(Date.now())) : d.read(p)),
    };
  },
};

const model = {
  apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'DeviceModel', metadata: { name: 'bench-model', namespace: NS },
  spec: { protocol: 'virtual', properties: [{ name: 'count', type: 'INT', accessMode: 'ReadOnly' }, { name: 'readAt', type: 'STRING', accessMode: 'ReadOnly' }] },
};
const device = (i) => ({
  apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'Device', metadata: { name: devName(i), namespace: NS, labels: { bench: 'devices' } },
  spec: {
    deviceModelRef: { name: 'bench-model' }, nodeName: NODE, protocol: { protocolName: 'virtual', configData: {} },
    properties: [
      { name: 'count', collectCycle: 1000, reportCycle: 1000, reportToCloud: true, visitors: { protocolName: 'virtual', configData: { kind: 'counter', min: 0, max: 1e9, step: 1 } } },
      { name: 'readAt', collectCycle: 1000, reportCycle: 1000, reportToCloud: true, visitors: { protocolName: 'virtual', configData: {} } },
    ],
    stateReport: { reportToCloud: true, reportCycle: 10_000 },
  },
});

async function metrics(url) {
  const text = await (await fetch(url)).text();
  const m = {};
  for (const line of text.split('\n')) {
    const x = /^([a-z_]+)(?:\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (x) m[x[1]] = (m[x[1]] ?? 0) + Number(x[2]);
  }
  return m;
}

async function pool(n, width, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < n) await fn(next++); }));
}

const result = { machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGB: round(os.totalmem() / 2 ** 30), node: process.version, uptimeStart: execSync('uptime').toString().trim() }, devices: DEVICES };
let cloudArgs = [];
const cfgDir = mkdtempSync(join(os.tmpdir(), 'kedge-bench-devices-'));
if (CLOUD) {
  const file = join(cfgDir, 'server.yaml');
  writeFileSync(file, stringify({ cloudcore: { cloudHub: CLOUD } }));
  cloudArgs = ['--config', file];
}
result.cloudHub = CLOUD ?? { perNodeQps: 50, perNodeBurst: 100, note: 'defaults' };
const cloud = await startCloud({ extraArgs: cloudArgs });
const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: cloud.hubPort } });
const mapperCtl = new AbortController();
let edge;
let mapperRun;
let watch;
try {
  edge = await startEdge({ cloud, name: NODE, via: proxy });
  await waitNodeReady(cloud.kube, NODE, 60_000);
  if (HUB) {
    await edge.kill();
    const file = join(edge.dataDir, 'edge.yaml');
    const cfg = parse(readFileSync(file, 'utf8'));
    cfg.edgeHub = { ...(cfg.edgeHub ?? {}), ...HUB };
    writeFileSync(file, stringify(cfg), { mode: 0o600 });
    await edge.start();
    await waitNodeReady(cloud.kube, NODE, 60_000);
  }
  result.edgeHub = HUB ?? { qps: 30, burst: 60, note: 'defaults' };
  const brokerUrl = await waitFor(() => lastMatch(/eventbus listening on (mqtt:\/\/\S+)/g, edge.stdout()), { timeoutMs: 20_000, message: 'eventbus line' });
  const metricsUrl = await waitFor(() => lastMatch(/metrics listening on (http:\/\/\S+)/g, edge.stdout()), { timeoutMs: 20_000, message: 'metrics line' });
  progress(`edge up (broker ${brokerUrl}, metrics ${metricsUrl}); creating ${DEVICES} devices`);

  // Devices through the API, then a watch from the list's resourceVersion.
  const post = async (path, body) => {
    const r = await cloud.kube.request('POST', path, body);
    if (r.status !== 201) throw new Error(`POST ${path}: HTTP ${r.status} ${r.text}`);
  };
  await post(`${GROUP}/namespaces/${NS}/devicemodels`, model);
  const tCreate = performance.now();
  await pool(DEVICES, 32, (i) => post(`${GROUP}/namespaces/${NS}/devices`, device(i)));
  result.createMs = Math.round(performance.now() - tCreate);
  const rv = (await cloud.kube.get(`${GROUP}/namespaces/${NS}/devices?limit=1`)).json.metadata.resourceVersion;

  const seen = new Map(); // device → last readAt seen at the API
  const win = { on: false, writes: 0, lat: [], edgeLat: [] };
  const finalCount = new Map();
  watch = await cloud.kube.watch(`${GROUP}/namespaces/${NS}/devices?watch=true&resourceVersion=${rv}`, (e) => {
    if (e.type !== 'MODIFIED') return;
    const now = Date.now();
    const twins = e.object.status?.twins ?? [];
    const readAt = twins.find((t) => t.propertyName === 'readAt')?.reported;
    const count = twins.find((t) => t.propertyName === 'count')?.reported;
    if (count) finalCount.set(e.object.metadata.name, count.value);
    if (!readAt || seen.get(e.object.metadata.name) === readAt.value) return;
    seen.set(e.object.metadata.name, readAt.value);
    if (!win.on) return;
    win.writes++;
    win.lat.push(now - Number(readAt.value));
    // metadata.timestamp is DeviceTwin's accept time at the edge: edge → API part of the latency.
    win.edgeLat.push(now - Number(readAt.metadata?.timestamp));
  });
  setInterval(() => { watch.events.length = 0; }, 1000).unref(); // keep only the counters, not every object

  // (a) the mapper with every device; steady state once every device has reported.
  mapperRun = runMapper({
    factory, log: silentLogger(), signal: mapperCtl.signal,
    config: { name: 'bench-virtual', version: 'v1', apiVersion: 'v1', protocol: 'virtual', socket: join(edge.dataDir, 'bench-virtual.sock'), dmiSocket: join(edge.dataDir, 'dmi.sock'), restPort: -1, restBind: '127.0.0.1' },
  });
  const tMapper = performance.now();
  await waitFor(() => seen.size === DEVICES, { timeoutMs: 180_000, intervalMs: 200, message: `all ${DEVICES} devices reported at the API (seen ${seen.size})` });
  result.allReportingMs = Math.round(performance.now() - tMapper);
  progress(`all ${DEVICES} devices reported at the API after ${result.allReportingMs} ms; measuring ${SECONDS} s`);
  await sleep(3000);
  const m0 = await metrics(metricsUrl);
  win.on = true;
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  win.on = false;
  const secs = (performance.now() - t0) / 1000;
  const m1 = await metrics(metricsUrl);
  const twinProps = (m1.kedge_twin_updates_total ?? 0) - (m0.kedge_twin_updates_total ?? 0);
  win.lat.sort((a, b) => a - b);
  win.edgeLat.sort((a, b) => a - b);
  result.endToEnd = {
    seconds: round(secs),
    twinReportsPerSec: round(twinProps / 2 / secs), // two reported properties per ReportDeviceStatus
    twinPropertyUpdatesPerSec: round(twinProps / secs),
    statusWritesPerSec: round(win.writes / secs),
    latencyMs: { p50: pct(win.lat, 50), p99: pct(win.lat, 99), max: win.lat.at(-1) },
    edgeToApiMs: { p50: pct(win.edgeLat, 50), p99: pct(win.edgeLat, 99) },
    edgeHubDropped: (m1.kedge_edgehub_dropped_messages_total ?? 0) - (m0.kedge_edgehub_dropped_messages_total ?? 0),
    // Where a backlog sits at the end of the window: the edge's upstream queue and its spool (edge side), or neither (cloud side).
    edgeHubSentPerSec: round(((m1.kedge_edgehub_sent_messages_total ?? 0) - (m0.kedge_edgehub_sent_messages_total ?? 0)) / secs),
    endOfWindow: { edgeHubQueued: m1.kedge_edgehub_queue_depth, spooled: m1.kedge_spool_messages },
  };
  progress(`end to end: ${JSON.stringify(result.endToEnd)}`);
  mapperCtl.abort();
  await mapperRun;
  mapperRun = undefined;

  // (b) raw MQTT through the same broker: QoS 1, one publisher (256 in flight), one subscriber.
  {
    const sub = await mqtt.connectAsync(brokerUrl, { clientId: `bench-sub-${process.pid}`, reconnectPeriod: 0 });
    const pub = await mqtt.connectAsync(brokerUrl, { clientId: `bench-pub-${process.pid}`, reconnectPeriod: 0 });
    let got = 0;
    let done;
    const all = new Promise((r) => (done = r));
    sub.on('message', () => { if (++got === MQTT_N) done(); });
    await sub.subscribeAsync('bench/events/device/+/+/twin/update', { qos: 1 });
    const body = (k) => JSON.stringify({ event_id: `raw-${k}`, timestamp: Date.now(), twin: { count: { actual: { value: String(k) }, metadata: { type: 'Updated' } } } });
    const t = performance.now();
    await pool(MQTT_N, 256, (k) => pub.publishAsync(`bench/events/device/${NS}/${devName(k % DEVICES)}/twin/update`, body(k), { qos: 1 }));
    await Promise.race([all, sleep(60_000)]);
    const s = (performance.now() - t) / 1000;
    result.rawMqtt = { messages: MQTT_N, received: got, perSec: round(got / s) };
    await pub.endAsync();
    await sub.endAsync();
  }
  result.ratio = round(result.endToEnd.twinReportsPerSec / result.rawMqtt.perSec, 3);
  progress(`raw MQTT: ${JSON.stringify(result.rawMqtt)}; spool phase with ${SPOOL_N} updates`);
  // Let the edge's upstream queue and spool empty after the mapper stopped, so (c) starts from zero.
  const idle = await waitFor(async () => { const m = await metrics(metricsUrl); return m.kedge_spool_messages === 0 && m.kedge_edgehub_queue_depth === 0; }, { timeoutMs: 120_000, intervalMs: 200, message: 'edge upstream idle' })
    .then(() => true, async () => { result.spool = { skipped: `upstream backlog from (a) still draining after 120 s: ${JSON.stringify(await metrics(metricsUrl).then((m) => ({ spooled: m.kedge_spool_messages, queued: m.kedge_edgehub_queue_depth })))}` }; return false; });

  // (c) spool: cut the link, publish twin updates on the KubeEdge topic, measure the spool filling and draining.
  if (idle && SPOOL_N > 0) {
    proxy.block();
    proxy.cut();
    await waitFor(async () => (await metrics(metricsUrl)).kedge_edgehub_connected === 0, { timeoutMs: 30_000, message: 'edge sees the link down' });
    const before = (await metrics(metricsUrl)).kedge_spool_messages ?? 0;
    const pub = await mqtt.connectAsync(brokerUrl, { clientId: `bench-spool-${process.pid}`, reconnectPeriod: 0 });
    const last = new Map();
    const t = performance.now();
    await pool(SPOOL_N, 64, async (k) => {
      const name = devName(k % DEVICES);
      last.set(name, String(1e9 + k));
      await pub.publishAsync(`$hw/events/device/${NS}/${name}/twin/update`, JSON.stringify({ event_id: `spool-${k}`, timestamp: Date.now(), twin: { count: { actual: { value: String(1e9 + k) }, metadata: { type: 'Updated' } } } }), { qos: 1 });
    });
    const spooled = await waitFor(async () => {
      const n = (await metrics(metricsUrl)).kedge_spool_messages ?? 0;
      return n - before >= SPOOL_N ? n : undefined;
    }, { timeoutMs: 120_000, intervalMs: 20, message: 'spool holds every update' });
    const writeS = (performance.now() - t) / 1000;
    await pub.endAsync();
    const mDown = await metrics(metricsUrl);
    proxy.unblock();
    const t2 = performance.now();
    await waitFor(async () => (await metrics(metricsUrl)).kedge_spool_messages === 0, { timeoutMs: 900_000, intervalMs: 20, message: 'spool drained' });
    const drainS = (performance.now() - t2) / 1000;
    await waitFor(() => [...last].every(([n, v]) => finalCount.get(n) === v), { timeoutMs: 300_000, intervalMs: 100, message: 'last spooled values at the API' });
    const apiS = (performance.now() - t2) / 1000;
    result.spool = {
      messages: SPOOL_N, spooled, bytes: mDown.kedge_spool_bytes, dropped: mDown.kedge_spool_dropped_total ?? 0,
      writePerSec: round(SPOOL_N / writeS), replayPerSec: round(spooled / drainS), drainMs: Math.round(drainS * 1000), lastValuesAtApiMs: Math.round(apiS * 1000),
    };
  }
} finally {
  watch?.close();
  mapperCtl.abort();
  await mapperRun?.catch(() => undefined);
  await edge?.stop();
  await proxy.close();
  await cloud.stop();
  rmSync(cfgDir, { recursive: true, force: true });
}
result.machine.uptimeEnd = execSync('uptime').toString().trim();
console.log(JSON.stringify(result, null, 2));
const e = result.endToEnd;
const sp = result.spool?.writePerSec !== undefined ? `spool write ${result.spool.writePerSec}/s, replay ${result.spool.replayPerSec}/s` : `spool ${result.spool?.skipped ?? 'skipped'}`;
console.log(`devices: ${DEVICES} devices (edgeHub ${result.edgeHub.qps}/s, cloudHub ${result.cloudHub.perNodeQps}/s per node), ${e.twinReportsPerSec} twin reports/s accepted at the edge (${e.twinPropertyUpdatesPerSec} property updates/s), ${e.statusWritesPerSec} status writes/s at the API, read→watch p50 ${e.latencyMs.p50} ms p99 ${e.latencyMs.p99} ms; raw MQTT QoS 1 ${result.rawMqtt.perSec} msg/s (ratio ${result.ratio}); ${sp}`);
