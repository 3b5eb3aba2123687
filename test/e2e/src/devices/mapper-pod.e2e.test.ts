import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import type { CriClient } from '@kedge/edge/cri/index.js';
import { freePorts, runKedge } from '../harness/edge-link.js';
import { waitFor } from '../harness/wait.js';
import { edgeCri, edgedSkipReason, podContainers, useEdgedCluster } from '../edged/runtime.js';
import { deviceTwins, type Twin } from './mapper-fixtures.js';

// Issue 5, "Each runs as `kedge mapper <protocol>` or as a pod": the Pod printed by
// `kedge mapper virtual --print-pod-manifest` is applied with kubectl, runs on the edge's containerd
// (busybox chrooting into the host's node + kedge), registers with EdgeCore over the mounted DMI
// socket directory, and drives a kubectl-created virtual Device until its twins are reported.

const skip = edgedSkipReason();
if (skip) console.log(`# skipping mapper pod e2e: ${skip}`);
const NODE = 'edge-mapper-pod-1';
const NS = 'default';
let cri: CriClient;
const cluster = useEdgedCluster(NODE, skip, (c) => {
  cri = edgeCri(c.edge.dataDir);
});

after(() => cri?.close());

async function kube(args: string[], input?: string): Promise<string> {
  const r = await cluster.kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const device = `
apiVersion: devices.kubeedge.io/v1beta1
kind: DeviceModel
metadata: {name: pod-demo-model, namespace: ${NS}}
spec:
  protocol: virtual
  properties:
    - {name: temperature, type: FLOAT, accessMode: ReadOnly}
    - {name: setpoint, type: INT, accessMode: ReadWrite}
---
apiVersion: devices.kubeedge.io/v1beta1
kind: Device
metadata: {name: pod-demo, namespace: ${NS}}
spec:
  deviceModelRef: {name: pod-demo-model}
  nodeName: ${NODE}
  protocol: {protocolName: virtual}
  properties:
    - name: temperature
      reportToCloud: true
      collectCycle: 500
      reportCycle: 1000
      visitors: {protocolName: virtual, configData: {kind: counter, min: 0, max: 1000000, step: 1}}
    - name: setpoint
      reportToCloud: true
      desired: {value: "21"}
      visitors: {protocolName: virtual, configData: {}}
`;

test('the printed mapper Pod runs on the edge and drives a kubectl-created virtual device', { skip, timeout: 180_000 }, async () => {
  const [restPort] = await freePorts(1);
  const dmiSocket = join(cluster.edge.dataDir, 'dmi.sock');
  const printed = await runKedge(['mapper', 'virtual', '--print-pod-manifest', '--node', NODE, '--namespace', NS, '--dmi-socket', dmiSocket, '--rest-port', String(restPort), '--name', 'pod-virtual-mapper']);
  assert.equal(printed.code, 0, printed.err);
  const manifest = parse(printed.out);
  assert.equal(manifest.metadata.name, 'pod-virtual-mapper');
  const mapperSocket = join(cluster.edge.dataDir, 'pod-virtual-mapper.sock');

  const diag = async () => {
    const logs = await cluster.kubectl(['logs', 'pod-virtual-mapper', '-n', NS, '--tail', '40']).catch(() => undefined);
    return `\npod logs: ${logs?.stdout ?? ''}${logs?.stderr ?? ''}\nedge stderr: ${cluster.edge.stderrTail(3000)}`;
  };
  await kube(['apply', '-f', '-'], printed.out);
  let pod: any;
  try {
    pod = await waitFor(async () => {
      const p = JSON.parse(await kube(['get', 'pod', 'pod-virtual-mapper', '-n', NS, '-o', 'json']));
      return p.status?.phase === 'Running' && p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
    }, { timeoutMs: 90_000, message: 'mapper pod Running and Ready (REST ping answers)' });
  } catch (err) {
    throw new Error(`${(err as Error).message}${await diag()}`);
  }
  assert.equal(pod.spec.nodeName, NODE);
  assert.equal((await podContainers(cri, pod.metadata.uid)).length, 1, 'one mapper container in the edge runtime');
  assert.ok(existsSync(mapperSocket), 'the mapper in the pod serves its socket in the host DMI directory');
  const ping = await fetch(`http://127.0.0.1:${restPort}/api/v1/ping`);
  assert.equal(ping.status, 200, 'REST API on the host network');

  await kube(['apply', '-f', '-'], device);
  let twins: Twin[] = [];
  try {
    await waitFor(async () => {
      twins = await deviceTwins(cluster.kubectl, NS, 'pod-demo');
      const t = twins.find((x) => x.propertyName === 'temperature');
      const s = twins.find((x) => x.propertyName === 'setpoint');
      return t?.reported?.value !== undefined && s?.reported?.value === '21' && s.observedDesired?.value === '21';
    }, { timeoutMs: 60_000, message: 'twins reported by the mapper in the pod' });
  } catch (err) {
    throw new Error(`${(err as Error).message}; twins ${JSON.stringify(twins)}${await diag()}`);
  }
  // A counter that advances shows the pod keeps collecting, not a one-off report.
  const first = Number(twins.find((x) => x.propertyName === 'temperature')!.reported!.value);
  await waitFor(async () => {
    const t = (await deviceTwins(cluster.kubectl, NS, 'pod-demo')).find((x) => x.propertyName === 'temperature');
    return Number(t?.reported?.value) > first;
  }, { timeoutMs: 30_000, message: `temperature counter past ${first}` });

  await kube(['delete', 'device', 'pod-demo', '-n', NS, '--wait=false']);
  await kube(['delete', 'devicemodel', 'pod-demo-model', '-n', NS, '--wait=false']);
  await kube(['delete', 'pod', 'pod-virtual-mapper', '-n', NS, '--wait=false']);
  await waitFor(async () => (await podContainers(cri, pod.metadata.uid)).length === 0, { timeoutMs: 60_000, message: 'mapper container removed from the edge runtime' });
  await waitFor(async () => (await cluster.kubectl(['get', 'pod', 'pod-virtual-mapper', '-n', NS])).code !== 0, { timeoutMs: 60_000, message: 'mapper pod gone from the API' });
  // SIGTERM reached node (PID 1 after busybox chroot's exec): the SDK removes its socket on a clean stop.
  assert.equal(existsSync(mapperSocket), false, 'mapper socket removed on shutdown');
});
