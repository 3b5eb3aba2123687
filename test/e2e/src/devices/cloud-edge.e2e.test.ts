import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import mqtt from 'mqtt';
import { parse, stringify } from 'yaml';
import { metaServer, startCloud, startEdge, type Cloud, type Edge } from '../harness/edge-link.js';
import { kubectlFor, kubectlSkipReason, type Kubectl } from '../harness/kubectl.js';
import { waitFor } from '../harness/wait.js';

// Issue 5, cloud half end to end: a Device applied with kubectl reaches the edge's cache (MetaServer), a raw
// MQTT twin update on the edge's broker comes back as status.twins[].reported in `kubectl get device -o yaml`.

const NODE = 'edge-devices-1';
const skip = kubectlSkipReason();
let cloud: Cloud;
let edge: Edge;
let kubectl: Kubectl;
let brokerUrl: string;

const manifests = stringify({
  apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'DeviceModel', metadata: { name: 'thermo', namespace: 'default' },
  spec: { protocol: 'virtual', properties: [{ name: 'temperature', type: 'FLOAT', accessMode: 'ReadWrite' }] },
}) + '---\n' + stringify({
  apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'Device', metadata: { name: 'thermo-1', namespace: 'default' },
  spec: {
    deviceModelRef: { name: 'thermo' }, nodeName: NODE, protocol: { protocolName: 'virtual' },
    properties: [{ name: 'temperature', desired: { value: '21' }, reportCycle: 1000, collectCycle: 1000 }],
  },
});

before(async () => {
  if (skip) return;
  cloud = await startCloud();
  edge = await startEdge({ cloud, name: NODE });
  // The embedded broker's default 1883 may be taken on a shared host: restart the edge on a free port.
  await edge.kill();
  const file = join(edge.dataDir, 'edge.yaml');
  const cfg = parse(readFileSync(file, 'utf8'));
  cfg.eventBus = { ...(cfg.eventBus ?? {}), port: 0 };
  writeFileSync(file, stringify(cfg));
  await edge.start();
  await waitFor(() => /eventbus listening on (mqtt:\/\/\S+)/.test(edge.stdout()), { message: 'eventbus listening line', timeoutMs: 15_000 });
  brokerUrl = edge.stdout().match(/eventbus listening on (mqtt:\/\/\S+)/)![1]!;
  kubectl = kubectlFor(cloud.kubeconfig);
});

after(async () => {
  await kubectl?.dispose();
  await edge?.stop();
  await cloud?.stop();
});

test('kubectl apply Device → edge cache → MQTT twin update → kubectl get device shows reported', { skip, timeout: 90_000 }, async () => {
  const applied = await kubectl(['apply', '-f', '-'], { input: manifests });
  assert.equal(applied.code, 0, applied.stderr);

  const meta = metaServer(edge);
  await waitFor(async () => (await meta.get('/apis/devices.kubeedge.io/v1beta1/namespaces/default/devices/thermo-1')).status === 200, { message: 'device on the edge', timeoutMs: 30_000 });
  const cached = (await meta.get('/apis/devices.kubeedge.io/v1beta1/namespaces/default/devices/thermo-1')).json;
  assert.equal(cached.spec.properties[0].desired.value, '21');
  assert.equal((await meta.get('/apis/devices.kubeedge.io/v1beta1/namespaces/default/devicemodels/thermo')).status, 200);

  const client = await mqtt.connectAsync(brokerUrl, { clientId: `e2e-devices-${process.pid}`, reconnectPeriod: 0 });
  try {
    const payload = { event_id: 'e2e-1', timestamp: Date.now(), twin: { temperature: { actual: { value: '23.5' }, metadata: { type: 'Updated' } } } };
    await client.publishAsync('$hw/events/device/default/thermo-1/twin/update', JSON.stringify(payload), { qos: 1 });
    await client.publishAsync('$hw/events/device/default/thermo-1/state/update', JSON.stringify({ event_id: 'e2e-2', timestamp: Date.now(), state: 'online' }), { qos: 1 });
  } finally {
    await client.endAsync();
  }

  let status: any;
  await waitFor(async () => {
    const got = await kubectl(['get', 'device', 'thermo-1', '-o', 'json']);
    status = got.code === 0 ? JSON.parse(got.stdout).status : undefined;
    return status?.twins?.[0]?.reported?.value === '23.5' && status?.state === 'online';
  }, { message: "reported value and state in the Device status", timeoutMs: 30_000 });
  assert.equal(status.twins[0].propertyName, 'temperature');
  assert.match(status.twins[0].reported.metadata.timestamp, /^\d+$/);
  assert.match(status.lastOnlineTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const yaml = await kubectl(['get', 'device', 'thermo-1', '-o', 'yaml']);
  assert.match(yaml.stdout, /reported:\n\s+metadata:\n[\s\S]*value: "23\.5"/);
  const table = await kubectl(['get', 'devices']);
  assert.deepEqual(table.stdout.trim().split('\n')[1]!.split(/\s+/).slice(0, 4), ['thermo-1', NODE, 'virtual', 'online']);
});
