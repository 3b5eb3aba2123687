// Pod manager lifecycle against a real private containerd: env valueFrom, volumes, init containers,
// resources and graceful termination in the background.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { createVolumeManager, type VolumeManager } from '../volumes/index.js';
import { containerdSkipReason, harness, runtimeOf, startTestRuntime, testPod, TEST_HOST_IP, type TestRuntime } from './testing.js';

const skip = containerdSkipReason();
if (skip) console.log(`# skipping pod lifecycle tests: ${skip}`);

let rt: TestRuntime;
before(async () => {
  if (!skip) rt = await startTestRuntime({ prefix: 'kedge-pm-life-', bridge: 'kedgepl0', subnet: '10.91.0.0/16' });
});
after(async () => {
  await rt?.stop();
});

function memStore() {
  const objs = new Map<string, KubeObject>();
  return {
    put(kind: string, obj: KubeObject) { objs.set(`${kind}/${obj.metadata.namespace}/${obj.metadata.name}`, obj); },
    get: (kind: string, ns: string | undefined, name: string) => objs.get(`${kind}/${ns}/${name}`),
  };
}
const b64 = (s: string) => Buffer.from(s).toString('base64');
const exec = async (id: string, cmd: string) => (await rt.cri.execSync({ containerId: id, cmd: ['sh', '-c', cmd], timeout: 10 })).stdout.toString();
const mainId = (s: { containerStatuses: Array<{ containerID?: string }> }) => s.containerStatuses[0]!.containerID!.replace('containerd://', '');
const waitingReason = (st: object) => ('waiting' in st ? (st as { waiting: { reason: string } }).waiting.reason : undefined);

test('env valueFrom and envFrom, configMap/secret/emptyDir mounts, and a ConfigMap change reaching the file', { skip, timeout: 60_000 }, async () => {
  const store = memStore();
  const volumes: VolumeManager = createVolumeManager({ rootDir: join(rt.dir, 'edged'), log: silentLogger(), store });
  const h = harness(rt, { store, volumes });
  store.put('configmap', { metadata: { name: 'cfg', namespace: 'default' }, data: { MODE: 'fast', 'app.conf': 'v1' } });
  store.put('secret', { metadata: { name: 'sec', namespace: 'default' }, data: { PASSWORD: b64('s3cret') } });
  const p = testPod('envs', {
    command: ['sh', '-c', 'echo "$(MODE_ALIAS)" > /data/started; sleep 3600'],
    env: [
      { name: 'MODE_ALIAS', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'MODE' } } },
      { name: 'PASS', valueFrom: { secretKeyRef: { name: 'sec', key: 'PASSWORD' } } },
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
    ],
    envFrom: [{ prefix: 'CM_', configMapRef: { name: 'cfg' } }],
    resources: { limits: { memory: '48Mi' } },
    volumeMounts: [{ name: 'conf', mountPath: '/etc/app' }, { name: 'data', mountPath: '/data' }, { name: 'data', mountPath: '/sub', subPath: 'nested' }, { name: 'sec', mountPath: '/sec', readOnly: true }],
  }, { volumes: [{ name: 'conf', configMap: { name: 'cfg' } }, { name: 'data', emptyDir: {} }, { name: 'sec', secret: { secretName: 'sec' } }] });
  const s = await h.until([p], p, 'Running', (st) => st.phase === 'Running');
  const id = mainId(s);
  const env = Object.fromEntries((await exec(id, 'env')).trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.deepEqual([env.MODE_ALIAS, env.PASS, env.POD, env.HOST_IP, env.MEM, env.CM_MODE], ['fast', 's3cret', 'envs', TEST_HOST_IP, '48', 'fast']);
  assert.equal((await exec(id, 'cat /etc/app/app.conf; echo; cat /sec/PASSWORD; echo; cat /data/started')).trim(), 'v1\ns3cret\nfast');
  assert.match(await exec(id, 'touch /sec/x 2>&1 || echo denied'), /Read-only file system|denied/);
  await exec(id, 'echo deep > /sub/f');
  assert.equal((await exec(id, 'cat /data/nested/f')).trim(), 'deep');

  store.put('configmap', { metadata: { name: 'cfg', namespace: 'default' }, data: { MODE: 'slow', 'app.conf': 'v2' } });
  await h.pm.sync([p]);
  assert.equal(await exec(id, 'cat /etc/app/app.conf'), 'v2');
  // kubelet hashes the spec, not resolved values: the container is not restarted for a ConfigMap change.
  assert.equal(mainId(h.last(p)!), id);
  assert.equal(h.last(p)!.containerStatuses[0]!.restartCount, 0);
  assert.ok(h.events.some((e) => e.reason === 'Started' && e.uid === p.metadata.uid));

  const podDir = volumes.podDir(p.metadata.uid!);
  assert.ok(existsSync(podDir));
  await h.pm.sync([]);
  await h.pm.idle();
  assert.equal(existsSync(podDir), false);
  assert.deepEqual(await runtimeOf(rt.cri, p.metadata.uid!), { sandboxes: [], containers: [] });
});

test('a missing ConfigMap key waits with CreateContainerConfigError, a missing volume source with FailedMount, both start once present', { skip, timeout: 60_000 }, async () => {
  const store = memStore();
  const volumes = createVolumeManager({ rootDir: join(rt.dir, 'edged2'), log: silentLogger(), store });
  const h = harness(rt, { store, volumes });
  const p = testPod('late-env', { command: ['sleep', '3600'], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'later', key: 'x' } } }] });
  const q = testPod('late-vol', { command: ['sleep', '3600'], volumeMounts: [{ name: 'v', mountPath: '/v' }] }, { volumes: [{ name: 'v', secret: { secretName: 'later' } }] });
  await h.pm.sync([p, q]);
  const ps = h.last(p)!.containerStatuses[0]!;
  assert.equal(waitingReason(ps.state), 'CreateContainerConfigError');
  assert.match(JSON.stringify(ps.state), /configmap \\"later\\" not found/);
  assert.equal(h.last(p)!.phase, 'Pending');
  assert.equal(waitingReason(h.last(q)!.containerStatuses[0]!.state), 'ContainerCreating');
  assert.ok(h.events.some((e) => e.uid === p.metadata.uid && e.type === 'Warning' && e.reason === 'Failed' && /configmap "later" not found/.test(e.message)));
  assert.ok(h.events.some((e) => e.uid === q.metadata.uid && e.reason === 'FailedMount' && /secret "later" not found/.test(e.message)));
  store.put('configmap', { metadata: { name: 'later', namespace: 'default' }, data: { x: '1' } });
  store.put('secret', { metadata: { name: 'later', namespace: 'default' }, data: { k: b64('v') } });
  await h.until([p, q], p, 'env pod Running', (st) => st.phase === 'Running');
  await h.until([p, q], q, 'volume pod Running', (st) => st.phase === 'Running');
  await h.pm.sync([]);
  await h.pm.idle();
});

test('init containers run in order before the app container; statuses and conditions follow', { skip, timeout: 60_000 }, async () => {
  const vol = [{ name: 'w', emptyDir: {} }];
  const mount = [{ name: 'w', mountPath: '/w' }];
  const p = testPod('inits', { command: ['sleep', '3600'], volumeMounts: mount }, {
    volumes: vol,
    initContainers: [
      { name: 'one', image: 'kedge.local/busybox:1.35', command: ['sh', '-c', 'sleep 1; echo one >> /w/log'], volumeMounts: mount },
      { name: 'two', image: 'kedge.local/busybox:1.35', command: ['sh', '-c', 'echo two >> /w/log'], volumeMounts: mount },
    ],
  });
  const vm = createVolumeManager({ rootDir: join(rt.dir, 'edged3'), log: silentLogger(), store: memStore() });
  const hv = harness(rt, { volumes: vm });
  const s = await hv.until([p], p, 'Running', (st) => st.phase === 'Running');
  const seen = hv.reports.get(p.metadata.uid!)!;
  const early = seen[0]!;
  assert.equal(early.phase, 'Pending');
  assert.equal(early.conditions.find((c) => c.type === 'Initialized')!.status, 'False');
  assert.ok('running' in early.initContainerStatuses![0]!.state, JSON.stringify(early.initContainerStatuses));
  assert.equal(waitingReason(early.initContainerStatuses![1]!.state), 'PodInitializing');
  assert.equal(waitingReason(early.containerStatuses[0]!.state), 'PodInitializing');
  assert.deepEqual(s.initContainerStatuses!.map((c) => 'terminated' in c.state && c.state.terminated.reason), ['Completed', 'Completed']);
  assert.equal(s.conditions.find((c) => c.type === 'Initialized')!.status, 'True');
  assert.equal(await exec(mainId(s), 'cat /w/log'), 'one\ntwo\n');
  await hv.pm.sync([]);
  await hv.pm.idle();
});

test('a failing init container fails a Never pod and crash-loops an Always pod', { skip, timeout: 60_000 }, async () => {
  // Backoff longer than a sync pass, so a CrashLoopBackOff pass is surely seen between restarts.
  const h = harness(rt, { backoff: { initialMs: 3000, maxMs: 6000 } });
  const init = [{ name: 'setup', image: 'kedge.local/busybox:1.35', command: ['sh', '-c', 'exit 2'] }];
  const never = testPod('init-never', { command: ['sleep', '3600'] }, { restartPolicy: 'Never', initContainers: init });
  const always = testPod('init-always', { command: ['sleep', '3600'] }, { initContainers: init });
  const f = await h.until([never, always], never, 'Failed', (st) => st.phase === 'Failed');
  const ic = f.initContainerStatuses![0]!;
  assert.ok('terminated' in ic.state && ic.state.terminated.exitCode === 2, JSON.stringify(ic));
  assert.equal(waitingReason(f.containerStatuses[0]!.state), 'PodInitializing');
  const a = await h.until([never, always], always, 'init restarts', (st) => st.initContainerStatuses![0]!.restartCount >= 2, 30_000);
  assert.equal(a.phase, 'Pending');
  const loops = h.reports.get(always.metadata.uid!)!.filter((st) => waitingReason(st.initContainerStatuses![0]!.state) === 'CrashLoopBackOff');
  assert.ok(loops.length >= 1);
  assert.ok('terminated' in loops[0]!.initContainerStatuses![0]!.lastState);
  assert.equal((await runtimeOf(rt.cri, always.metadata.uid!)).containers.filter((c) => c.labels['io.kubernetes.container.name'] === 'main').length, 0);
  await h.pm.sync([]);
  await h.pm.idle();
});

test('resource limits reach the runtime and the container cgroup; qosClass follows', { skip, timeout: 60_000 }, async () => {
  const h = harness(rt);
  const p = testPod('limited', { command: ['sleep', '3600'], resources: { requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '500m', memory: '64Mi' } } });
  const s = await h.until([p], p, 'Running', (st) => st.phase === 'Running');
  assert.equal(s.qosClass, 'Burstable');
  const st = (await rt.cri.containerStatus({ containerId: mainId(s) })).status!;
  const lin = st.resources?.linux;
  if (lin) assert.deepEqual([lin.cpuShares, lin.cpuQuota, lin.cpuPeriod, lin.memoryLimitInBytes].map(String), ['256', '50000', '100000', String(64 * 2 ** 20)]);
  const mem = (await exec(mainId(s), 'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes')).trim();
  assert.equal(mem, String(64 * 2 ** 20));
  await h.pm.sync([]);
  await h.pm.idle();
});

test('killing a terminating pod with a grace period runs in the background while other pods sync', { skip, timeout: 60_000 }, async () => {
  const h = harness(rt);
  // busybox sleep as PID 1 ignores SIGTERM, so the stop takes the whole grace period.
  const slow = testPod('slow-stop', { command: ['sleep', '3600'] }, { terminationGracePeriodSeconds: 30 });
  await h.until([slow], slow, 'Running', (st) => st.phase === 'Running');
  const deleting: KubeObject = { ...slow, metadata: { ...slow.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 4 } };
  const other = testPod('other', { command: ['sleep', '3600'] });
  const changesBefore = h.changes;
  const r = await h.pm.sync([deleting, other]);
  assert.ok(r.active.has(slow.metadata.uid!));
  assert.ok(h.events.some((e) => e.uid === slow.metadata.uid && e.reason === 'Killing'));
  // The other pod comes up while the slow one is still stopping.
  await h.until([deleting, other], other, 'other Running', (st) => st.phase === 'Running');
  const during = await runtimeOf(rt.cri, slow.metadata.uid!);
  assert.equal(during.containers.length, 1);
  assert.equal(during.containers[0]!.state, 'CONTAINER_RUNNING');
  assert.ok((await h.pm.sync([deleting, other])).active.has(slow.metadata.uid!));
  await h.pm.idle();
  assert.ok(h.changes > changesBefore);
  const done = await h.pm.sync([deleting, other]);
  assert.equal(done.active.has(slow.metadata.uid!), false);
  assert.ok(done.active.has(other.metadata.uid!));
  assert.deepEqual(await runtimeOf(rt.cri, slow.metadata.uid!), { sandboxes: [], containers: [] });
  await h.pm.sync([]);
  await h.pm.idle();
});
