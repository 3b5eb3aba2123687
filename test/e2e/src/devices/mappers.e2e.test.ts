import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startModbusSim, type ModbusSim } from '@kedge/mappers/modbus/testing/modbus-sim.js';
import { startOpcuaSim, type OpcuaSim } from '@kedge/mappers/opcua/testing/opcua-sim.js';
import { startCloud, startEdge, type Cloud, type Edge } from '../harness/edge-link.js';
import { kubectlFor, kubectlSkipReason, type Kubectl } from '../harness/kubectl.js';
import { waitFor } from '../harness/wait.js';
import { waitNodeReady } from '../edge/fixtures.js';
import { exampleManifest, startMapper, waitTwin, type MapperProc } from './mapper-fixtures.js';

// Issue 5 "Tests": a Device created with kubectl → `kedge mapper modbus|opcua` reads a real device
// server on loopback (modbus-serial ServerTCP, node-opcua OPCUAServer) → values appear in
// `kubectl get device -o yaml` status.twins[].reported; patching a desired value writes the register /
// node, and observedDesired follows. The manifests are the ones in docs/examples/devices with only
// nodeName and the device address changed.

const NODE = 'edge-devices-1';
const NS = 'default';
const skip = kubectlSkipReason();
let cloud: Cloud;
let edge: Edge;
let kubectl: Kubectl;
let dir: string;
const cleanup: Array<() => Promise<unknown>> = [];

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'kedge-devices-e2e-'));
  cloud = await startCloud();
  edge = await startEdge({ cloud, name: NODE });
  await waitNodeReady(cloud.kube, NODE, 60_000);
  kubectl = kubectlFor(cloud.kubeconfig);
});

after(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {});
  await kubectl?.dispose();
  await edge?.stop();
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function apply(manifest: string): Promise<void> {
  const r = await kubectl(['apply', '-f', '-'], { input: manifest });
  assert.equal(r.code, 0, `kubectl apply: ${r.stderr}`);
}

function diag(mapper: MapperProc): () => string {
  return () => `${mapper.logTail()}\nedge stderr: ${edge.stderrTail(3000)}\ncloud stderr: ${cloud.stderrTail(2000)}`;
}

test('modbus: kubectl-created device is read by kedge mapper modbus; a desired value reaches the register', { skip }, async () => {
  const sim: ModbusSim = await startModbusSim();
  cleanup.push(() => sim.close());
  sim.input[0] = 215; // temperature 21.5 °C at scale 0.1
  sim.holding[1] = 19; // setpoint
  const power = Buffer.alloc(4);
  power.writeFloatBE(1500.5);
  sim.holding[2] = power.readUInt16BE(2); // isRegisterSwap: low word first
  sim.holding[3] = power.readUInt16BE(0);
  sim.coils[0] = true;

  const mapper = startMapper('modbus', join(edge.dataDir, 'dmi.sock'), dir);
  cleanup.push(() => mapper.stop());
  await apply(exampleManifest('modbus-model.yaml'));
  await apply(exampleManifest('modbus-device.yaml', (d) => {
    d.spec.nodeName = NODE;
    d.spec.protocol.configData.ip = '127.0.0.1';
    d.spec.protocol.configData.port = sim.port;
  }));

  const dev = 'modbus-thermostat';
  await waitTwin(kubectl, NS, dev, 'temperature', (t) => t.reported?.value === '21.5', 'temperature reported 21.5', mapper, diag(mapper));
  await waitTwin(kubectl, NS, dev, 'power', (t) => t.reported?.value === '1500.5', 'power reported 1500.5', mapper, diag(mapper));
  await waitTwin(kubectl, NS, dev, 'heater', (t) => t.reported?.value === 'true', 'heater reported true', mapper, diag(mapper));
  await waitTwin(kubectl, NS, dev, 'alarm', (t) => t.reported?.value === 'false', 'alarm reported false', mapper, diag(mapper));
  // The YAML's desired setpoint (21) is written on registration.
  await waitFor(() => sim.holding[1] === 21, { timeoutMs: 30_000, message: `setpoint register = 21 (is ${sim.holding[1]})` });

  // A device-side change shows up in the status.
  sim.input[0] = 230;
  await waitTwin(kubectl, NS, dev, 'temperature', (t) => t.reported?.value === '23', 'temperature reported 23', mapper, diag(mapper));

  const patch = JSON.stringify([{ op: 'replace', path: '/spec/properties/1/desired/value', value: '25' }]);
  const r = await kubectl(['patch', 'device', dev, '-n', NS, '--type=json', '-p', patch]);
  assert.equal(r.code, 0, `kubectl patch: ${r.stderr}`);
  await waitFor(() => sim.holding[1] === 25, { timeoutMs: 30_000, message: `setpoint register = 25 (is ${sim.holding[1]})` });
  const twin = await waitTwin(kubectl, NS, dev, 'setpoint', (t) => t.observedDesired?.value === '25' && t.reported?.value === '25', 'setpoint observedDesired and reported 25', mapper, diag(mapper));
  assert.equal(twin.reported?.value, '25');

  const yaml = await kubectl(['get', 'device', dev, '-n', NS, '-o', 'yaml']);
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.match(yaml.stdout, /twins:/);
  assert.match(yaml.stdout, /propertyName: setpoint/);
});

test('opcua: kubectl-created device is read by kedge mapper opcua; a desired value writes the node', { skip }, async () => {
  const sim: OpcuaSim = await startOpcuaSim({ pkiDir: join(dir, 'opcua-server-pki') });
  cleanup.push(() => sim.close());
  sim.values.temperature = 18.25;
  sim.values.counter = 7;

  const mapper = startMapper('opcua', join(edge.dataDir, 'dmi.sock'), dir);
  cleanup.push(() => mapper.stop());
  await apply(exampleManifest('opcua-model.yaml'));
  await apply(exampleManifest('opcua-device.yaml', (d) => {
    d.spec.nodeName = NODE;
    d.spec.protocol.configData.url = sim.url;
  }));

  const dev = 'opcua-boiler';
  await waitTwin(kubectl, NS, dev, 'counter', (t) => t.reported?.value === '7', 'counter reported 7', mapper, diag(mapper), 90_000);
  // The YAML's desired temperature (22.5) is written to the node.
  await waitFor(() => sim.values.temperature === 22.5, { timeoutMs: 30_000, message: `Temperature node = 22.5 (is ${sim.values.temperature})` });
  await waitTwin(kubectl, NS, dev, 'temperature', (t) => t.reported?.value === '22.5', 'temperature reported 22.5', mapper, diag(mapper));

  sim.values.counter = 8;
  await waitTwin(kubectl, NS, dev, 'counter', (t) => t.reported?.value === '8', 'counter reported 8', mapper, diag(mapper));

  const patch = JSON.stringify([{ op: 'replace', path: '/spec/properties/0/desired/value', value: '30.5' }]);
  const r = await kubectl(['patch', 'device', dev, '-n', NS, '--type=json', '-p', patch]);
  assert.equal(r.code, 0, `kubectl patch: ${r.stderr}`);
  await waitFor(() => sim.values.temperature === 30.5, { timeoutMs: 30_000, message: `Temperature node = 30.5 (is ${sim.values.temperature})` });
  await waitTwin(kubectl, NS, dev, 'temperature', (t) => t.observedDesired?.value === '30.5' && t.reported?.value === '30.5', 'temperature observedDesired and reported 30.5', mapper, diag(mapper));
});
