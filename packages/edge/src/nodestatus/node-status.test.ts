import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { KUBE_VERSION, Op, responseTo, errorTo, type KubeObject, type Message } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { FakeEdgeLink } from '../metamanager/fake-edge-link.js';
import { openMetaStore } from '../metamanager/meta-store.js';
import { createNodeStatus } from './node-status.js';
import { probeHost, type HostFacts } from './host-info.js';
import { conditions } from './node-object.js';

const facts: HostFacts = {
  hostname: 'host-a', cpuCores: 4, memoryBytes: 8 * 1024 ** 3, memoryAvailableBytes: 4 * 1024 ** 3, diskBytes: 100 * 1024 ** 3, diskAvailableBytes: 50 * 1024 ** 3,
  pids: { used: 300, max: 4_194_304 }, machineID: 'm1', systemUUID: 'u1', bootID: 'b1', kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)',
  operatingSystem: 'linux', architecture: 'amd64', internalIP: '10.1.2.3',
};

/** Plays the cloud: echoes Node/Lease writes back with a uid, as the EdgeController does. */
function cloud(link: FakeEdgeLink): void {
  link.answer = (m: Message) => {
    const obj = structuredClone(m.content as KubeObject);
    obj.metadata.uid = obj.kind === 'Node' ? 'node-uid-1' : 'lease-uid-1';
    obj.metadata.resourceVersion = String(link.requests.length);
    return responseTo(m, obj);
  };
}

async function until(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

test('registration, capitalised NodeStatusRequest and MicroTime leases over the link', async () => {
  const link = new FakeEdgeLink();
  cloud(link);
  const store = openMetaStore({ path: ':memory:' });
  const ac = new AbortController();
  const mod = createNodeStatus({
    link, store, nodeName: 'edge-1', labels: { zone: 'a', 'node-role.kubernetes.io/edge': 'overridden?' }, dataDir: tmpdir(),
    updateMs: 40, leaseMs: 60, leaseDurationSeconds: 40, log: silentLogger(), probe: () => facts,
  });
  const running = mod.start(ac.signal);
  try {
    await until(() => link.sent.filter((m) => m.route.resource === 'default/nodestatus/edge-1').length >= 2 && link.requests.filter((m) => m.route.operation === Op.update).length >= 1, 'status and lease renewals');

    const reg = link.requests[0]!;
    assert.equal(reg.route.operation, 'insert');
    assert.equal(reg.route.resource, 'default/node/edge-1');
    assert.equal(reg.route.source, 'edged');
    assert.equal(reg.route.group, 'meta');
    const node = reg.content as KubeObject;
    assert.deepEqual(node.metadata.labels, {
      'kubernetes.io/hostname': 'edge-1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', zone: 'a',
      'node-role.kubernetes.io/edge': '', 'node-role.kubernetes.io/agent': '',
    });
    const ready = (node.status as { conditions: { type: string; status: string; reason: string; message: string }[] }).conditions.find((c) => c.type === 'Ready');
    assert.deepEqual([ready?.status, ready?.reason, ready?.message], ['True', 'EdgeReady', 'edge is posting ready status'], 'registration carries a Ready status');
    assert.equal(store.get('node', undefined, 'edge-1')?.metadata.uid, 'node-uid-1', 'the cloud answer is cached');

    const st = link.sent.find((m) => m.route.resource === 'default/nodestatus/edge-1')!;
    assert.equal(st.route.operation, 'update');
    const body = st.content as { UID: string; Status: any; ExtendResources: unknown };
    assert.deepEqual(Object.keys(body).sort(), ['ExtendResources', 'Status', 'UID']);
    assert.equal(body.UID, 'node-uid-1');
    const s = body.Status;
    assert.deepEqual(s.capacity, { cpu: '4', memory: `${8 * 1024 * 1024}Ki`, pods: '110', 'ephemeral-storage': `${100 * 1024 * 1024}Ki` });
    assert.deepEqual(s.allocatable, s.capacity);
    assert.deepEqual(s.addresses, [{ type: 'InternalIP', address: '10.1.2.3' }, { type: 'Hostname', address: 'host-a' }]);
    assert.deepEqual(s.daemonEndpoints, { kubeletEndpoint: { Port: 10350 } });
    assert.deepEqual(s.nodeInfo, {
      machineID: 'm1', systemUUID: 'u1', bootID: 'b1', kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntimeVersion: '',
      kubeletVersion: `${KUBE_VERSION.gitVersion}-kedge-0.1.0`, kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64',
    });
    assert.deepEqual(s.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`), ['Ready=True', 'MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False']);
    for (const c of s.conditions) assert.match(c.lastHeartbeatTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const leases = link.requests.filter((m) => m.route.resource === 'kube-node-lease/lease/edge-1');
    assert.equal(leases[0]!.route.operation, 'insert', 'the first lease write is an insert');
    assert.ok(leases.slice(1).every((m) => m.route.operation === 'update'));
    const spec = (leases[0]!.content as KubeObject).spec as { holderIdentity: string; leaseDurationSeconds: number; renewTime: string };
    assert.equal(spec.holderIdentity, 'edge-1');
    assert.equal(spec.leaseDurationSeconds, 40);
    assert.match(spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(store.get('lease', 'kube-node-lease', 'edge-1')?.metadata.uid, 'lease-uid-1');
  } finally {
    ac.abort();
    await running;
    store.close();
  }
});

test('nothing is sent while disconnected; a reconnect registers and reports at once', async () => {
  const link = new FakeEdgeLink();
  cloud(link);
  link.connected = false;
  const ac = new AbortController();
  // Long intervals: anything sent after the reconnect comes from the connect handler, not a timer.
  const mod = createNodeStatus({ link, nodeName: 'edge-2', dataDir: tmpdir(), updateMs: 60_000, leaseMs: 60_000, log: silentLogger(), probe: () => facts });
  const running = mod.start(ac.signal);
  try {
    await sleep(50);
    assert.equal(link.sent.length + link.requests.length, 0);
    link.setConnected(true);
    await until(() => link.sent.some((m) => m.route.resource === 'default/nodestatus/edge-2') && link.requests.some((m) => m.route.resource === 'kube-node-lease/lease/edge-2'), 'sync after connect', 1000);
    assert.deepEqual(link.requests.map((m) => `${m.route.operation} ${m.route.resource}`), ['insert default/node/edge-2', 'insert kube-node-lease/lease/edge-2']);
    link.setConnected(false);
    const before = link.sent.length + link.requests.length;
    await mod.syncNow();
    assert.equal(link.sent.length + link.requests.length, before, 'offline sync sends nothing');
    link.setConnected(true);
    await until(() => link.requests.filter((m) => m.route.resource === 'default/node/edge-2').length === 2, 're-registration', 1000);
  } finally {
    ac.abort();
    await running;
  }
});

test('a refused registration is not cached and is retried on the next tick', async () => {
  const link = new FakeEdgeLink();
  let refuse = true;
  link.answer = (m) => (refuse ? errorTo(m, 'forbidden') : responseTo(m, { ...(m.content as KubeObject), metadata: { ...(m.content as KubeObject).metadata, uid: 'u' } }));
  const store = openMetaStore({ path: ':memory:' });
  const ac = new AbortController();
  const mod = createNodeStatus({ link, store, nodeName: 'edge-3', dataDir: tmpdir(), updateMs: 30, leaseMs: 60_000, log: silentLogger(), probe: () => facts });
  const running = mod.start(ac.signal);
  try {
    await until(() => link.requests.length >= 1, 'first registration');
    assert.equal(store.get('node', undefined, 'edge-3'), undefined);
    refuse = false;
    await until(() => store.get('node', undefined, 'edge-3') !== undefined, 'registration retried');
  } finally {
    ac.abort();
    await running;
    store.close();
  }
});

test('pressure conditions follow the host facts; the real probe reads this host', () => {
  const c = conditions({ ...facts, memoryAvailableBytes: 50 * 1024 * 1024, diskAvailableBytes: facts.diskBytes * 0.05, pids: { used: 95, max: 100 } });
  assert.deepEqual(c.map((x) => `${x.type}=${x.status}`), ['Ready=True', 'MemoryPressure=True', 'DiskPressure=True', 'PIDPressure=True']);
  const real = probeHost(tmpdir());
  assert.ok(real.cpuCores >= 1 && real.memoryBytes > 0 && real.diskBytes > 0);
  assert.ok(real.kernelVersion.length > 0 && real.osImage.length > 0);
  assert.ok(['amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x', 'riscv64'].includes(real.architecture));
});
