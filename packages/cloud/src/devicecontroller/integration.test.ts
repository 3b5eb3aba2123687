import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { R, newMessage } from '@kedge/api';
import { createInformerFactory, createKubeClient, silentLogger, type KubeClient } from '@kedge/core';
import { waitFor } from '@kedge/core/testing/index.js';
import { startTestServer, type TestServer } from '../apiserver/test-harness.js';
import { FakeHub, edgeNode } from '../edgecontroller/test-helpers.js';
import { createDeviceController, type DeviceController } from './index.js';
import { device, lines, model } from './test-helpers.js';

const kubectlPath = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'kubectl')).find((p) => existsSync(p));

function kubectl(kubeconfig: string, args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(kubectlPath!, ['--kubeconfig', kubeconfig, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

const badDevice = `apiVersion: devices.kubeedge.io/v1beta1
kind: Device
metadata:
  name: bad
spec:
  deviceModelRef:
    name: m
  nodeName: e1
  protocol:
    configData:
      ip: 127.0.0.1
  properties:
  - name: temp
    reportCycle: -1
  - name: temp
`;

describe('DeviceController against the real API server over HTTP', () => {
  let s: TestServer;
  let client: KubeClient;
  let hub: FakeHub;
  let dc: DeviceController;
  let dir: string;
  let kubeconfig: string;
  const ac = new AbortController();
  let running: Promise<unknown>;

  before(async () => {
    s = await startTestServer();
    client = createKubeClient({ server: `http://127.0.0.1:${s.port}` });
    dir = mkdtempSync(join(tmpdir(), 'kedge-devices-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: t, cluster: {server: "http://127.0.0.1:${s.port}"}}]
users: [{name: u, user: {}}]
contexts: [{name: t, context: {cluster: t, user: u, namespace: default}}]
current-context: t
`);
    await client.create(R.nodes, edgeNode('e1'));
    const log = silentLogger();
    const informers = createInformerFactory(client, log);
    hub = new FakeHub();
    dc = createDeviceController({ client, informers, hub, log, statusCoalesceMs: 300 });
    running = Promise.all([informers.start(ac.signal), dc.start(ac.signal)]);
  });

  after(async () => {
    ac.abort();
    await running;
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the API server refuses an invalid Device naming each bad field', async () => {
    const r = await s.request('POST', '/apis/devices.kubeedge.io/v1beta1/namespaces/default/devices', JSON.parse(JSON.stringify({ ...device('bad', 'e1'), spec: { nodeName: 'e1', protocol: {}, properties: [{ name: 'a', collectCycle: -5 }, { name: 'a' }] } })));
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.reason, 'Invalid');
    assert.deepEqual(r.json.details.causes.map((c: { field: string }) => c.field).sort(), ['spec.deviceModelRef', 'spec.properties[0].collectCycle', 'spec.properties[1]', 'spec.protocol.protocolName']);
    const m = await s.request('POST', '/apis/devices.kubeedge.io/v1beta1/namespaces/default/devicemodels', { ...model('badm'), spec: { protocol: 'x', properties: [{ name: 't', type: 'float', accessMode: 'RW' }] } });
    assert.equal(m.status, 422, m.text);
    assert.match(m.json.message, /spec\.properties\[0\]\.type: Unsupported value: "float"/);
    assert.match(m.json.message, /spec\.properties\[0\]\.accessMode: Unsupported value: "RW"/);
  });

  it('kubectl apply of a bad Device prints the fields', { skip: kubectlPath ? false : 'kubectl not on PATH' }, async () => {
    const r = await kubectl(kubeconfig, ['apply', '-f', '-'], badDevice);
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stderr, /spec\.protocol\.protocolName: Required value/);
    assert.match(r.stderr, /spec\.properties\[0\]\.reportCycle: Invalid value: -1/);
    assert.match(r.stderr, /spec\.properties\[1\]: Duplicate value/);
  });

  it('kubectl apply → the edge gets model and device; twin and state reports show in kubectl get -o yaml, coalesced', { skip: kubectlPath ? false : 'kubectl not on PATH' }, async () => {
    const yaml = [model('m'), device('d1', 'e1')].map((o) => stringify(o)).join('---\n');
    const applied = await kubectl(kubeconfig, ['apply', '-f', '-'], yaml);
    assert.equal(applied.code, 0, applied.stderr);
    await waitFor(() => hub.resources('e1').length >= 3, 'downstream');
    assert.deepEqual(lines(hub.resources('e1')), ['resource insert node/e1/default/devicemodel/m', 'resource insert node/e1/default/device/d1', 'twin update node/e1/membership']);

    const before = dc.statusWrites();
    for (let i = 0; i < 100; i++) {
      hub.push('e1', newMessage({ source: 'twin', group: 'twin', operation: 'update', resource: 'device/default/d1/twin/edge_updated', content: {
        event_id: String(i), timestamp: 1717000000000 + i,
        twin: { temp: { actual: { value: String(20 + i / 10), metadata: { timestamp: 1717000000000 + i } }, expected: { value: '20', metadata: { timestamp: 1716999999000 } } } },
      } }));
    }
    hub.push('e1', newMessage({ source: 'twin', group: 'twin', operation: 'update', resource: 'device/default/d1/state/update', content: { event_id: 's', timestamp: Date.parse('2026-03-01T12:00:00Z'), state: 'online' } }));
    await waitFor(async () => (await client.get(R.devices, 'default', 'd1')).status?.state === 'online', 'status written');
    await waitFor(async () => (await client.get(R.devices, 'default', 'd1')).status?.twins?.[0]?.reported?.value === '29.9', 'last twin value written');
    assert.ok(dc.statusWrites() - before <= 2, `${dc.statusWrites() - before} writes for 101 reports`);

    const got = await kubectl(kubeconfig, ['get', 'device', 'd1', '-o', 'json']);
    assert.equal(got.code, 0, got.stderr);
    const st = JSON.parse(got.stdout).status;
    assert.deepEqual(st.twins, [{
      propertyName: 'temp',
      reported: { value: '29.9', metadata: { timestamp: '1717000000099' } },
      observedDesired: { value: '20', metadata: { timestamp: '1716999999000' } },
    }]);
    assert.equal(st.state, 'online');
    assert.equal(st.lastOnlineTime, '2026-03-01T12:00:00Z');
    const y = await kubectl(kubeconfig, ['get', 'device', 'd1', '-o', 'yaml']);
    assert.match(y.stdout, /twins:\n\s+- observedDesired:/);

    const table = await kubectl(kubeconfig, ['get', 'devices']);
    assert.equal(table.code, 0, table.stderr);
    const [head, row] = table.stdout.trim().split('\n');
    assert.deepEqual(head!.split(/\s+/), ['NAME', 'NODE', 'PROTOCOL', 'STATE', 'AGE']);
    assert.deepEqual(row!.split(/\s+/).slice(0, 4), ['d1', 'e1', 'modbus', 'online']);
  });
});
