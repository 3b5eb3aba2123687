// The pod manager against a real private containerd and runc with locally built images (no registry).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CONTAINER_NAME, POD_NAME, POD_NAMESPACE } from './labels.js';
import { containerdSkipReason, DEFAULT_BUSYBOX_IMAGE, harness as baseHarness, runtimeOf as runtimeIn, startTestRuntime, testPod, TEST_HOST_IP, type Harness, type TestRuntime } from './testing.js';

const skip = containerdSkipReason();
if (skip) console.log(`# skipping pod manager tests: ${skip}`);

let ctd: TestRuntime;
before(async () => {
  if (!skip) ctd = await startTestRuntime({ prefix: 'kedge-podmgr-test-', bridge: 'kedgepm0', subnet: '10.90.0.0/16' });
});
after(async () => {
  await ctd?.stop();
});

// Backoff well above one sync pass even on a loaded machine, so each CrashLoopBackOff window is observed.
const harness = (initialBackoffMs = 1000): Harness => baseHarness(ctd, { backoff: { initialMs: initialBackoffMs, maxMs: 8 * initialBackoffMs } });
const runtimeOf = (uid: string) => runtimeIn(ctd.cri, uid);

test('a hostNetwork busybox pod runs, is adopted by a new manager without duplicates, and is removed when no longer desired', { skip, timeout: 90_000 }, async () => {
  const p = testPod('sleeper', { command: ['sleep', '3600'], env: [{ name: 'GREETING', value: 'edge' }] });
  const h = harness();
  const s = await h.until([p], p, 'Running', (st) => st.phase === 'Running');
  const cs = s.containerStatuses[0]!;
  assert.ok('running' in cs.state, JSON.stringify(cs));
  assert.equal(cs.ready, true);
  assert.equal(cs.started, true);
  assert.equal(cs.restartCount, 0);
  assert.equal(cs.image, DEFAULT_BUSYBOX_IMAGE);
  assert.match(cs.imageID, /^sha256:[0-9a-f]{64}$/);
  assert.match(cs.containerID ?? '', /^containerd:\/\/[0-9a-f]{64}$/);
  assert.equal(s.hostIP, TEST_HOST_IP);
  assert.equal(s.podIP, TEST_HOST_IP);
  assert.ok(s.startTime);
  const cond = Object.fromEntries(s.conditions.map((c) => [c.type, c.status]));
  assert.deepEqual(cond, { PodReadyToStartContainers: 'True', Initialized: 'True', Ready: 'True', ContainersReady: 'True', PodScheduled: 'True' });
  assert.equal(s.qosClass, 'BestEffort');

  const uid = p.metadata.uid!;
  const rt = await runtimeOf(uid);
  assert.equal(rt.sandboxes.length, 1);
  assert.equal(rt.containers.length, 1);
  const sb = (await ctd.cri.podSandboxStatus({ podSandboxId: rt.sandboxes[0]!.id })).status!;
  assert.equal(sb.linux?.namespaces?.options?.network, 'NODE');
  assert.deepEqual([sb.labels[POD_NAME], sb.labels[POD_NAMESPACE], sb.metadata?.uid], ['sleeper', 'default', uid]);
  const c = (await ctd.cri.containerStatus({ containerId: rt.containers[0]!.id })).status!;
  assert.equal(c.labels[CONTAINER_NAME], 'main');
  assert.equal(c.logPath, join(ctd.dir, 'pods', `default_sleeper_${uid}`, 'main', '0.log'));
  const env = await ctd.cri.execSync({ containerId: c.id, cmd: ['sh', '-c', 'echo $GREETING $(hostname)'], timeout: 10 });
  assert.equal(env.stdout.toString().trim(), `edge ${(await import('node:os')).hostname()}`);

  // An unchanged pod is not reported again.
  const count = h.reports.get(uid)!.length;
  await h.pm.sync([p]);
  assert.equal(h.reports.get(uid)!.length, count);

  // EdgeCore restart: a new manager adopts the running pod.
  const h2 = harness();
  const adopted = await h2.until([p], p, 'Running after adoption', (st) => st.phase === 'Running');
  assert.equal(adopted.containerStatuses[0]!.containerID, cs.containerID);
  assert.equal(adopted.containerStatuses[0]!.restartCount, 0);
  const rt2 = await runtimeOf(uid);
  assert.deepEqual(rt2.sandboxes.map((x) => x.id), rt.sandboxes.map((x) => x.id));
  assert.deepEqual(rt2.containers.map((x) => x.id), rt.containers.map((x) => x.id));

  await h2.pm.sync([]);
  await h2.pm.idle();
  const rt3 = await runtimeOf(uid);
  assert.deepEqual(rt3, { sandboxes: [], containers: [] });
});

test('a container exiting 1 under restartPolicy Always restarts with growing restartCount and CrashLoopBackOff in between', { skip, timeout: 90_000 }, async () => {
  const p = testPod('crasher', { command: ['sh', '-c', 'echo crash; exit 1'] });
  const h = harness(2000);
  const s = await h.until([p], p, 'restartCount 3', (st) => st.containerStatuses[0]!.restartCount >= 3, 40_000);
  assert.equal(s.phase, 'Running');
  const seen = h.reports.get(p.metadata.uid!)!.map((st) => st.containerStatuses[0]!);
  const crashLoop = seen.filter((c) => 'waiting' in c.state && c.state.waiting.reason === 'CrashLoopBackOff');
  assert.ok(crashLoop.length >= 2, JSON.stringify(seen.map((c) => c.state)));
  const last = crashLoop.at(-1)!;
  assert.ok('terminated' in last.lastState && last.lastState.terminated.exitCode === 1 && last.lastState.terminated.reason === 'Error', JSON.stringify(last));
  assert.equal(last.ready, false);
  // Restart counts never go down, and the backoff message grows.
  const counts = seen.map((c) => c.restartCount);
  assert.deepEqual(counts, [...counts].sort((a, b) => a - b));
  const messages = crashLoop.map((c) => ('waiting' in c.state ? c.state.waiting.message : ''));
  assert.ok(messages.some((m) => m?.startsWith('back-off 2s ')) && messages.some((m) => m?.startsWith('back-off 4s ')), messages.join('\n'));
  // Only the newest dead container is kept next to the current one.
  assert.ok((await runtimeOf(p.metadata.uid!)).containers.length <= 2);
  await h.pm.sync([]);
  await h.pm.idle();
  assert.deepEqual(await runtimeOf(p.metadata.uid!), { sandboxes: [], containers: [] });
});

test('restartPolicy Never leaves a failed container terminated and the pod Failed', { skip, timeout: 60_000 }, async () => {
  const p = testPod('once', { command: ['sh', '-c', 'exit 3'] }, { restartPolicy: 'Never' });
  const h = harness();
  const s = await h.until([p], p, 'Failed', (st) => st.phase === 'Failed');
  const cs = s.containerStatuses[0]!;
  assert.ok('terminated' in cs.state && cs.state.terminated.exitCode === 3 && cs.state.terminated.reason === 'Error', JSON.stringify(cs));
  assert.equal(cs.restartCount, 0);
  await h.pm.sync([]);
  await h.pm.idle();
});

test('a bad image gives ErrImagePull, then ImagePullBackOff, without failing the sync', { skip, timeout: 60_000 }, async () => {
  const p = testPod('badimage', { image: '127.0.0.1:1/kedge/nope:1', command: ['true'] });
  const h = harness();
  const first = await h.until([p], p, 'ErrImagePull', (st) => 'waiting' in st.containerStatuses[0]!.state);
  const w = first.containerStatuses[0]!.state;
  assert.ok('waiting' in w && w.waiting.reason === 'ErrImagePull', JSON.stringify(w));
  assert.equal(first.phase, 'Pending');
  await h.pm.sync([p]);
  const next = h.last(p)!.containerStatuses[0]!.state;
  assert.ok('waiting' in next && next.waiting.reason === 'ImagePullBackOff', JSON.stringify(next));
  assert.equal((await runtimeOf(p.metadata.uid!)).containers.length, 0);
  await h.pm.sync([]);
  await h.pm.idle();
  assert.deepEqual(await runtimeOf(p.metadata.uid!), { sandboxes: [], containers: [] });
});

test('a pod without hostNetwork gets a bridge IP from CNI and serves HTTP on it', { skip, timeout: 60_000 }, async () => {
  const p = testPod('bridged', { command: ['httpd', '-f', '-p', '8080', '-h', '/var/www'], ports: [{ name: 'http', containerPort: 8080 }] }, { hostNetwork: false });
  const h = harness();
  const s = await h.until([p], p, 'Running', (st) => st.phase === 'Running');
  assert.match(s.podIP ?? '', /^10\.90\.\d+\.\d+$/, JSON.stringify(s));
  assert.deepEqual(s.podIPs, [{ ip: s.podIP }]);
  assert.equal(s.hostIP, TEST_HOST_IP);
  const rt = await runtimeOf(p.metadata.uid!);
  const sb = (await ctd.cri.podSandboxStatus({ podSandboxId: rt.sandboxes[0]!.id })).status!;
  assert.equal(sb.linux?.namespaces?.options?.network, 'POD');
  // httpd answers 404 for the empty docroot: any HTTP answer proves the pod is reachable at its IP.
  const until = Date.now() + 10_000;
  let status = 0;
  while (Date.now() < until && !status) {
    status = await fetch(`http://${s.podIP}:8080/`).then((r) => r.status, () => 0);
    if (!status) await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(status, 404);
  const hostname = await ctd.cri.execSync({ containerId: rt.containers[0]!.id, cmd: ['hostname'], timeout: 10 });
  assert.equal(hostname.stdout.toString().trim(), 'bridged');
  await h.pm.sync([]);
  await h.pm.idle();
  assert.deepEqual(await runtimeOf(p.metadata.uid!), { sandboxes: [], containers: [] });
});
