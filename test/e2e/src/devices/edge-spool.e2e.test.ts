import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { parse, stringify } from 'yaml';
import { startFaultProxy, type FaultProxy } from '@kedge/core/testing/fault-proxy.js';
import { startCloud, startEdge, type Cloud, type Edge } from '../harness/edge-link.js';
import { waitFor } from '../harness/wait.js';
import { waitNodeReady } from '../edge/fixtures.js';

// Issue 5 store-and-forward, end to end: a real `kedge server` and a real edge whose CloudHub link runs
// through the fault proxy. While the link is cut, MQTT clients publish twin reports and telemetry on the
// edge's embedded broker; after reconnecting the cloud receives every telemetry message in order and the
// device status shows the last reported value.

const NODE = 'edge-spool-1';
const NS = 'default';
const DEV = 'spool-sensor';
const N = 20;
let cloud: Cloud;
let proxy: FaultProxy;
let edge: Edge;
let client: MqttClient | undefined;

const devPath = (name = '') => `/apis/devices.kubeedge.io/v1beta1/namespaces/${NS}/devices${name ? `/${name}` : ''}`;

before(async () => {
  cloud = await startCloud();
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: cloud.hubPort } });
  edge = await startEdge({ cloud, name: NODE, via: proxy });
  await waitNodeReady(cloud.kube, NODE, 60_000);
  // Restart with the broker on a free port, so parallel tests and a system broker on 1883 do not matter.
  await edge.kill();
  const cfgFile = join(edge.dataDir, 'edge.yaml');
  const cfg = parse(readFileSync(cfgFile, 'utf8')) as Record<string, any>;
  cfg.eventBus = { ...(cfg.eventBus ?? {}), port: 0 };
  writeFileSync(cfgFile, stringify(cfg), { mode: 0o600 });
  await edge.start();
});

after(async () => {
  await client?.endAsync().catch(() => undefined);
  await edge?.stop();
  await proxy?.close();
  await cloud?.stop();
});

async function create(path: string, obj: unknown): Promise<void> {
  const r = await cloud.kube.request('POST', path, obj);
  assert.ok(r.status === 201 || r.status === 200, `POST ${path}: ${r.status} ${r.text}`);
}

test('readings produced while the link is cut arrive in order after reconnect', async () => {
  const line = await waitFor(() => /^eventbus listening on (mqtt:\/\/\S+)\s*$/m.exec(edge.stdout())?.[1], { timeoutMs: 20_000, message: 'eventbus line' });
  await create(`/apis/devices.kubeedge.io/v1beta1/namespaces/${NS}/devicemodels`, {
    apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'DeviceModel', metadata: { name: 'spool-model', namespace: NS },
    spec: { protocol: 'virtual', properties: [{ name: 'reading', type: 'INT', accessMode: 'ReadOnly' }] },
  });
  await create(devPath(), {
    apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'Device', metadata: { name: DEV, namespace: NS },
    spec: { deviceModelRef: { name: 'spool-model' }, nodeName: NODE, protocol: { protocolName: 'virtual' }, properties: [{ name: 'reading', reportToCloud: true }] },
  });

  client = await mqtt.connectAsync(line, { reconnectPeriod: 0 }, false);
  const results: Array<Record<string, unknown>> = [];
  client.on('message', (_t, buf) => results.push(JSON.parse(buf.toString())));
  await client.subscribeAsync(`$hw/events/device/${NS}/${DEV}/twin/update/result`, { qos: 1 });
  const twinTopic = `$hw/events/device/${NS}/${DEV}/twin/update`;
  // The device reaches the edge: a twin update is accepted (no code) instead of 404.
  await waitFor(async () => {
    results.length = 0;
    await client!.publishAsync(twinTopic, JSON.stringify({ event_id: 'probe', twin: { reading: { actual: { value: '-1' } } } }), { qos: 1 });
    await new Promise((r) => setTimeout(r, 200));
    return results.some((r) => r.event_id === 'probe' && r.code === undefined);
  }, { timeoutMs: 30_000, message: 'the device on the edge' });

  const refused = proxy.stats().refused;
  proxy.block();
  proxy.cut();
  await waitFor(() => proxy.stats().refused > refused, { timeoutMs: 30_000, message: 'the edge refused by the blocked proxy' });

  results.length = 0;
  for (let i = 0; i < N; i++) {
    await client.publishAsync(`$hw/events/upload/spool-e2e/${String(i).padStart(3, '0')}`, JSON.stringify({ i }), { qos: 1 });
    await client.publishAsync(twinTopic, JSON.stringify({ event_id: `r${i}`, twin: { reading: { actual: { value: String(i) } } } }), { qos: 1 });
  }
  // Offline, the edge still answers every update locally.
  await waitFor(() => results.filter((r) => String(r.event_id).startsWith('r') && r.code === undefined).length === N, { timeoutMs: 10_000, message: 'local results while offline' });
  const before = telemetryTopics();
  assert.equal(before.length, 0, 'nothing reached the cloud while the link was cut');

  proxy.unblock();
  const want = Array.from({ length: N }, (_, i) => `$hw/events/upload/spool-e2e/${String(i).padStart(3, '0')}`);
  await waitFor(() => telemetryTopics().length >= N, { timeoutMs: 60_000, message: `${N} telemetry uploads at the cloud` });
  assert.deepEqual(telemetryTopics(), want);
  await waitFor(async () => {
    const d = (await cloud.kube.get(devPath(DEV))).json;
    return d?.status?.twins?.find((t: any) => t.propertyName === 'reading')?.reported?.value === String(N - 1);
  }, { timeoutMs: 30_000, message: `status.twins reading = ${N - 1}` });
});

/** Telemetry topics CloudCore logged for this node, in arrival order (debug log line "telemetry upload"). */
function telemetryTopics(): string[] {
  const out: string[] = [];
  for (const l of cloud.stderrTail(Number.MAX_SAFE_INTEGER).split('\n')) {
    if (!l.includes('telemetry upload') || !l.includes('spool-e2e')) continue;
    try {
      const o = JSON.parse(l) as { node?: string; topic?: string };
      if (o.node === NODE && o.topic) out.push(o.topic);
    } catch {
      // not a JSON log line
    }
  }
  return out;
}
