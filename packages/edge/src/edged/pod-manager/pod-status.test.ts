import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStatus } from '../../cri/index.js';
import { containerStatus, podPhase, podStatus, type ContainerView } from './pod-status.js';

const cri = (state: ContainerStatus['state'], exitCode = 0, attempt = 0): ContainerStatus => ({
  id: 'abc', metadata: { name: 'main', attempt }, state, createdAt: '1', startedAt: '1700000000000000000',
  finishedAt: state === 'CONTAINER_EXITED' ? '1700000001000000000' : '0', exitCode, image: { image: 'img', annotations: {} },
  imageRef: 'sha256:1', reason: '', message: '', labels: {}, annotations: {}, mounts: [], logPath: '', resources: null,
});

test('container states map to running, terminated (Completed/Error) and waiting with lastState', () => {
  const running = containerStatus({ name: 'main', image: 'img', current: cri('CONTAINER_RUNNING') });
  assert.deepEqual(running.state, { running: { startedAt: '2023-11-14T22:13:20Z' } });
  assert.equal(running.containerID, 'containerd://abc');
  assert.equal(running.ready, true);
  const done = containerStatus({ name: 'main', image: 'img', current: cri('CONTAINER_EXITED', 0) });
  assert.ok('terminated' in done.state && done.state.terminated.reason === 'Completed' && done.state.terminated.finishedAt === '2023-11-14T22:13:21Z');
  const backoff: ContainerView = { name: 'main', image: 'img', current: cri('CONTAINER_EXITED', 2, 4), waiting: { reason: 'CrashLoopBackOff' } };
  const s = containerStatus(backoff);
  assert.deepEqual(s.state, { waiting: { reason: 'CrashLoopBackOff' } });
  assert.ok('terminated' in s.lastState && s.lastState.terminated.exitCode === 2 && s.lastState.terminated.reason === 'Error');
  assert.equal(s.restartCount, 4);
  assert.deepEqual(containerStatus({ name: 'main', image: 'img' }).state, { waiting: { reason: 'ContainerCreating' } });
});

test('phase follows kubelet: Pending while waiting, Running while restarting, Succeeded/Failed by policy', () => {
  const st = (v: ContainerView) => containerStatus(v);
  const exited = (code: number) => st({ name: 'c', image: 'i', current: cri('CONTAINER_EXITED', code) });
  assert.equal(podPhase([st({ name: 'c', image: 'i' })], 'Always'), 'Pending');
  assert.equal(podPhase([st({ name: 'c', image: 'i', current: cri('CONTAINER_RUNNING') }), exited(0)], 'Never'), 'Running');
  assert.equal(podPhase([st({ name: 'c', image: 'i', current: cri('CONTAINER_EXITED', 1), waiting: { reason: 'CrashLoopBackOff' } })], 'Always'), 'Running');
  assert.equal(podPhase([exited(0)], 'OnFailure'), 'Succeeded');
  assert.equal(podPhase([exited(1)], 'Never'), 'Failed');
  assert.equal(podPhase([exited(0), exited(1)], 'Never'), 'Failed');
});

test('conditions keep lastTransitionTime while unchanged and move it on a change', () => {
  const running: ContainerView = { name: 'c', image: 'i', current: cri('CONTAINER_RUNNING') };
  const first = podStatus({ containers: [{ name: 'c', image: 'i' }], restartPolicy: 'Always', now: 'T1', hostIP: '192.0.2.1', podIPs: ['192.0.2.1'] });
  const ready = (s: typeof first) => s.conditions.find((c) => c.type === 'Ready')!;
  assert.equal(ready(first).status, 'False');
  assert.equal(ready(first).message, 'containers with unready status: [c]');
  assert.equal(first.podIP, '192.0.2.1');
  const second = podStatus({ containers: [running], restartPolicy: 'Always', now: 'T2', previous: first });
  assert.deepEqual([ready(second).status, ready(second).lastTransitionTime], ['True', 'T2']);
  assert.equal(second.conditions.find((c) => c.type === 'PodScheduled')!.lastTransitionTime, 'T1');
  const third = podStatus({ containers: [running], restartPolicy: 'Always', now: 'T3', previous: second });
  assert.equal(ready(third).lastTransitionTime, 'T2');
});

test('init containers: Pending with Initialized False until all exit 0; a failed one fails a Never pod', () => {
  const done: ContainerView = { name: 'i1', image: 'i', current: cri('CONTAINER_EXITED', 0) };
  const runningInit: ContainerView = { name: 'i2', image: 'i', current: cri('CONTAINER_RUNNING') };
  const app: ContainerView = { name: 'c', image: 'i', waiting: { reason: 'PodInitializing' } };
  const s = podStatus({ containers: [app], initContainers: [done, runningInit], restartPolicy: 'Always', now: 'T' });
  assert.equal(s.phase, 'Pending');
  const init = s.conditions.find((c) => c.type === 'Initialized')!;
  assert.deepEqual([init.status, init.reason, init.message], ['False', 'ContainersNotInitialized', 'containers with incomplete status: [i2]']);
  assert.equal(s.initContainerStatuses!.length, 2);
  const failed: ContainerView = { name: 'i2', image: 'i', current: cri('CONTAINER_EXITED', 2) };
  assert.equal(podStatus({ containers: [app], initContainers: [done, failed], restartPolicy: 'Never', now: 'T' }).phase, 'Failed');
  assert.equal(podStatus({ containers: [app], initContainers: [done, { ...failed, waiting: { reason: 'CrashLoopBackOff' } }], restartPolicy: 'Always', now: 'T' }).phase, 'Pending');
  const ok = podStatus({ containers: [{ name: 'c', image: 'i', current: cri('CONTAINER_RUNNING') }], initContainers: [done], restartPolicy: 'Always', now: 'T', podIPs: ['10.0.0.2'], qosClass: 'BestEffort' });
  assert.deepEqual([ok.phase, ok.conditions.find((c) => c.type === 'Ready')!.status, ok.podIP, ok.qosClass], ['Running', 'True', '10.0.0.2', 'BestEffort']);
});

test('probe results decide ready and started of a running container', () => {
  const s = containerStatus({ name: 'c', image: 'i', current: cri('CONTAINER_RUNNING'), probed: { ready: false, started: true } });
  assert.deepEqual([s.ready, s.started], [false, true]);
  const exited = containerStatus({ name: 'c', image: 'i', current: cri('CONTAINER_EXITED', 0), probed: { ready: true, started: true } });
  assert.deepEqual([exited.ready, exited.started], [false, false]);
});
