// Liveness, readiness and startup probes (exec, httpGet, tcpSocket) through the pod manager on a real containerd.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { containerdSkipReason, DEFAULT_BUSYBOX_IMAGE, harness, startTestRuntime, testPod, type TestRuntime } from './testing.js';
import type { V1PodStatus } from './pod-status.js';

const skip = containerdSkipReason();
if (skip) console.log(`# skipping pod probe tests: ${skip}`);

let rt: TestRuntime;
before(async () => {
  if (!skip) rt = await startTestRuntime({ prefix: 'kedge-pm-probe-', bridge: 'kedgepp0', subnet: '10.92.0.0/16' });
});
after(async () => {
  await rt?.stop();
});

const idOf = (s: V1PodStatus, name: string) => s.containerStatuses.find((c) => c.name === name)!.containerID!.replace('containerd://', '');
const exec = (id: string, cmd: string) => rt.cri.execSync({ containerId: id, cmd: ['sh', '-c', cmd], timeout: 10 });
const cond = (s: V1PodStatus, type: string) => s.conditions.find((c) => c.type === type)?.status;
const cs = (s: V1PodStatus, name: string) => s.containerStatuses.find((c) => c.name === name)!;

test('a failing exec liveness probe restarts the container with Unhealthy and Killing events', { skip, timeout: 60_000 }, async () => {
  const h = harness(rt);
  const p = testPod('live', {
    command: ['sh', '-c', 'touch /tmp/healthy; exec sleep 3600'],
    livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 },
  });
  const s = await h.until([p], p, 'Running', (st) => st.phase === 'Running');
  assert.equal(cs(s, 'main').restartCount, 0);
  await exec(idOf(s, 'main'), 'rm /tmp/healthy');
  const r = await h.until([p], p, 'restart after liveness failure', (st) => cs(st, 'main').restartCount >= 1 && 'running' in cs(st, 'main').state, 30_000);
  const last = cs(r, 'main').lastState;
  assert.ok('terminated' in last && last.terminated.exitCode === 137, JSON.stringify(last));
  const mine = h.events.filter((e) => e.uid === p.metadata.uid);
  assert.ok(mine.some((e) => e.type === 'Warning' && e.reason === 'Unhealthy' && /^Liveness probe failed: /.test(e.message)), JSON.stringify(mine));
  assert.ok(mine.some((e) => e.reason === 'Killing' && e.message === 'Container main failed liveness probe, will be restarted'));
  assert.ok(h.changes > 0);
  // The new container passes its probe again (it created /tmp/healthy) and is not restarted further.
  assert.equal(cs(h.last(p)!, 'main').restartCount, 1);
  await h.pm.sync([]);
  await h.pm.idle();
});

test('readiness over httpGet (named port, podIP) and tcpSocket flips ready and the Ready condition; startup gates', { skip, timeout: 60_000 }, async () => {
  const h = harness(rt);
  const p = testPod('ready', {}, {
    hostNetwork: false,
    containers: [
      {
        name: 'main', image: DEFAULT_BUSYBOX_IMAGE, command: ['httpd', '-f', '-p', '8080', '-h', '/var/www'], ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/ready', port: 'http', httpHeaders: [{ name: 'X-Probe', value: 'kedge' }] }, periodSeconds: 1, failureThreshold: 1 },
      },
      // Same network namespace: its tcpSocket probe reaches main's httpd at the pod IP.
      { name: 'side', image: DEFAULT_BUSYBOX_IMAGE, command: ['sleep', '3600'], readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } },
      // Nothing listens on 9999: never started, so its liveness probe (which would fail) never runs.
      {
        name: 'gated', image: DEFAULT_BUSYBOX_IMAGE, command: ['sleep', '3600'],
        startupProbe: { tcpSocket: { port: 9999 }, periodSeconds: 1, failureThreshold: 1000 },
        livenessProbe: { exec: { command: ['false'] }, periodSeconds: 1, failureThreshold: 1 },
      },
    ],
  });
  const s = await h.until([p], p, 'Running, side ready', (st) => st.phase === 'Running' && cs(st, 'side').ready);
  assert.equal(cs(s, 'main').ready, false);
  assert.equal(cs(s, 'main').started, true);
  assert.equal(cond(s, 'ContainersReady'), 'False');
  assert.equal(cond(s, 'Ready'), 'False');
  assert.deepEqual([cs(s, 'gated').started, cs(s, 'gated').ready], [false, false]);

  await exec(idOf(s, 'main'), 'echo ok > /var/www/ready');
  const ready = await h.until([p], p, 'main ready', (st) => cs(st, 'main').ready);
  assert.equal(cond(ready, 'ContainersReady'), 'False');
  assert.match(ready.conditions.find((c) => c.type === 'Ready')!.message ?? '', /\[gated\]/);

  await exec(idOf(s, 'main'), 'rm /var/www/ready');
  await h.until([p], p, 'main unready again', (st) => !cs(st, 'main').ready);
  const st = h.last(p)!;
  assert.equal(cs(st, 'gated').restartCount, 0);
  assert.ok(!h.events.some((e) => e.reason === 'Killing'));
  assert.ok(h.events.some((e) => e.reason === 'Unhealthy' && /^Readiness probe failed: HTTP probe failed with statuscode: 404/.test(e.message)), JSON.stringify(h.events));
  assert.ok(h.events.some((e) => e.reason === 'Unhealthy' && /^Startup probe failed: dial tcp 10\.92\.\d+\.\d+:9999/.test(e.message)));
  await h.pm.sync([]);
  await h.pm.idle();
});

test('a pod whose containers are all ready reports Ready True', { skip, timeout: 60_000 }, async () => {
  const h = harness(rt);
  const p = testPod('all-ready', {
    command: ['sh', '-c', 'echo ok > /var/www/index.html; exec httpd -f -p 8081 -h /var/www'],
    readinessProbe: { httpGet: { path: '/', port: 8081 }, periodSeconds: 1 },
    livenessProbe: { tcpSocket: { port: 8081 }, periodSeconds: 1, failureThreshold: 1 },
  }, { hostNetwork: false });
  const s = await h.until([p], p, 'Ready', (st) => cond(st, 'Ready') === 'True');
  assert.equal(cond(s, 'ContainersReady'), 'True');
  assert.equal(cs(s, 'main').ready, true);
  assert.equal(cs(s, 'main').restartCount, 0);
  await h.pm.sync([]);
  await h.pm.idle();
});
