import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Op, type KubeObject } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { FakeEdgeLink } from '../metamanager/fake-edge-link.js';
import { createNoRuntime, NO_RUNTIME_REASON } from './no-runtime.js';

const pod = (over: Partial<KubeObject['metadata']> = {}, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', ...over },
  spec: { nodeName: 'edge-1', containers: [{ name: 'web', image: 'nginx' }, { name: 'side', image: 'busybox' }] },
  ...(status ? { status } : {}),
});

describe('no-runtime edged', () => {
  it('reports a bound pod Pending with every container waiting for NoContainerRuntime, once', () => {
    const link = new FakeEdgeLink();
    const rt = createNoRuntime({ nodeName: 'edge-1', link, log: silentLogger(), now: () => Date.parse('2026-01-01T00:00:00Z') });
    rt.onObject('insert', 'pod', pod());
    assert.equal(link.sent.length, 1);
    const m = link.sent[0]!;
    assert.equal(m.route.operation, Op.update);
    assert.equal(m.route.resource, 'default/podstatus/web');
    const c = m.content as { UID: string; Name: string; Status: { phase: string; containerStatuses: Array<{ name: string; ready: boolean; state: { waiting?: { reason: string } } }> } };
    assert.equal(c.UID, 'u1');
    assert.equal(c.Name, 'web');
    assert.equal(c.Status.phase, 'Pending');
    assert.deepEqual(c.Status.containerStatuses.map((s) => [s.name, s.ready, s.state.waiting?.reason]), [
      ['web', false, NO_RUNTIME_REASON],
      ['side', false, NO_RUNTIME_REASON],
    ]);
    // The cloud echoes the pod with the status just reported: no second report (no loop).
    rt.onObject('update', 'pod', pod({ resourceVersion: '6' }, c.Status));
    assert.equal(link.sent.length, 1);
  });

  it('ignores other nodes’ pods and other types, and retries a report that could not be sent', () => {
    const link = new FakeEdgeLink();
    const rt = createNoRuntime({ nodeName: 'edge-1', link, log: silentLogger() });
    rt.onObject('insert', 'pod', { ...pod(), spec: { nodeName: 'edge-2', containers: [] } });
    rt.onObject('insert', 'configmap', { metadata: { name: 'c', namespace: 'default' } });
    assert.equal(link.sent.length, 0);
    link.connected = false;
    rt.onObject('insert', 'pod', pod());
    link.connected = true;
    rt.onObject('update', 'pod', pod({ resourceVersion: '6' }));
    assert.equal(link.sent.length, 1);
  });

  it('finishes a graceful deletion at once with a UID-guarded delete, sent once per pod', () => {
    const link = new FakeEdgeLink();
    const rt = createNoRuntime({ nodeName: 'edge-1', link, log: silentLogger() });
    const terminating = pod({ deletionTimestamp: '2026-01-01T00:00:30Z', resourceVersion: '7' });
    rt.onObject('update', 'pod', terminating);
    rt.onObject('update', 'pod', { ...terminating, metadata: { ...terminating.metadata, resourceVersion: '8' } });
    assert.equal(link.sent.length, 1);
    const m = link.sent[0]!;
    assert.equal(m.route.operation, Op.delete);
    assert.equal(m.route.resource, 'default/pod/web');
    assert.deepEqual(m.content, { gracePeriodSeconds: 0, preconditions: { uid: 'u1' } });
    rt.onObject('delete', 'pod', terminating);
  });
});
