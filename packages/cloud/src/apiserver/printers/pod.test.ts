import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { podStatusCells } from './pod.js';

const now = Date.parse('2026-01-01T12:00:00Z');
const pod = (spec: object, status: object, metadata: object = {}) => ({ metadata: { name: 'p', ...metadata }, spec, status });
const c = (name: string) => ({ name, image: 'img' });

describe('podStatusCells', () => {
  it('running and ready, with restarts and last restart age', () => {
    const r = podStatusCells(pod({ containers: [c('a'), c('b')] }, {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        { name: 'a', ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { finishedAt: '2026-01-01T11:55:00Z' } } },
        { name: 'b', ready: false, restartCount: 3, state: { running: {} }, lastState: { terminated: { finishedAt: '2026-01-01T11:50:00Z' } } },
      ],
    }), now);
    assert.deepEqual([r.ready, r.reason, r.restarts], ['1/2', 'Running', '5 (5m ago)']);
  });

  it('waiting reason, terminated reason, signal and exit code', () => {
    const one = (state: object) => podStatusCells(pod({ containers: [c('a')] }, { phase: 'Running', containerStatuses: [{ name: 'a', restartCount: 0, state }] }), now).reason;
    assert.equal(one({ waiting: { reason: 'CrashLoopBackOff' } }), 'CrashLoopBackOff');
    assert.equal(one({ waiting: { reason: 'ContainerCreating' } }), 'ContainerCreating');
    assert.equal(one({ terminated: { reason: 'OOMKilled', exitCode: 137 } }), 'OOMKilled');
    assert.equal(one({ terminated: { signal: 9, exitCode: 137 } }), 'Signal:9');
    assert.equal(one({ terminated: { exitCode: 3 } }), 'ExitCode:3');
    assert.equal(podStatusCells(pod({ containers: [c('a')] }, { phase: 'Pending' }), now).reason, 'Pending');
  });

  it('Completed with a running sidecar-less container turns Running / NotReady', () => {
    const base = { containers: [c('a'), c('b')] };
    const statuses = [
      { name: 'a', ready: false, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
      { name: 'b', ready: true, state: { running: {} } },
    ];
    // iteration runs from the last container backwards, so "a" sets the reason last
    assert.equal(podStatusCells(pod(base, { phase: 'Running', containerStatuses: statuses, conditions: [{ type: 'Ready', status: 'True' }] }), now).reason, 'Running');
    assert.equal(podStatusCells(pod(base, { phase: 'Running', containerStatuses: statuses }), now).reason, 'NotReady');
    const done = podStatusCells(pod({ containers: [c('a')] }, { phase: 'Succeeded', containerStatuses: [statuses[0]] }), now);
    assert.equal(done.reason, 'Completed');
    assert.equal(done.conditions?.[0]?.reason, 'Succeeded');
  });

  it('init containers', () => {
    const spec = { initContainers: [c('i1'), c('i2')], containers: [c('a')] };
    const st = (init: object[]) => podStatusCells(pod(spec, { phase: 'Pending', initContainerStatuses: init }), now).reason;
    assert.equal(st([{ name: 'i1', state: { running: {} } }, { name: 'i2', state: { waiting: { reason: 'PodInitializing' } } }]), 'Init:0/2');
    assert.equal(st([{ name: 'i1', state: { terminated: { exitCode: 0 } } }, { name: 'i2', state: { running: {} } }]), 'Init:1/2');
    assert.equal(st([{ name: 'i1', state: { waiting: { reason: 'CrashLoopBackOff' } } }]), 'Init:CrashLoopBackOff');
    assert.equal(st([{ name: 'i1', state: { terminated: { exitCode: 2 } } }]), 'Init:ExitCode:2');
    assert.equal(st([{ name: 'i1', state: { terminated: { reason: 'Error', exitCode: 1 } } }]), 'Init:Error');
    // A started restartable (sidecar) init container counts toward Ready and the total.
    const sidecar = podStatusCells(pod({ initContainers: [{ ...c('s'), restartPolicy: 'Always' }], containers: [c('a')] }, {
      phase: 'Running',
      initContainerStatuses: [{ name: 's', started: true, ready: true, state: { running: {} } }],
      containerStatuses: [{ name: 'a', ready: true, state: { running: {} } }],
    }), now);
    assert.deepEqual([sidecar.ready, sidecar.reason], ['2/2', 'Running']);
  });

  it('Terminating and NodeLost', () => {
    const del = { deletionTimestamp: '2026-01-01T11:59:00Z' };
    assert.equal(podStatusCells(pod({ containers: [c('a')] }, { phase: 'Running' }, del), now).reason, 'Terminating');
    assert.equal(podStatusCells(pod({ containers: [c('a')] }, { phase: 'Running', reason: 'NodeLost' }, del), now).reason, 'Unknown');
    assert.equal(podStatusCells(pod({ containers: [c('a')] }, { phase: 'Succeeded' }, del), now).reason, 'Succeeded');
    assert.equal(podStatusCells(pod({ containers: [c('a')] }, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), now).reason, 'SchedulingGated');
  });
});
