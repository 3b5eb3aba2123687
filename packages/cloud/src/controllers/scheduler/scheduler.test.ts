import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R, type KubeObject } from '@kedge/api';
import { createHarness, waitFor } from '@kedge/core/testing/index.js';
import { createSchedulerController } from './index.js';

const node = (name: string, extra: { labels?: Record<string, string>; taints?: unknown[]; ready?: boolean; alloc?: Record<string, string>; unschedulable?: boolean } = {}): KubeObject => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...extra.labels } },
  spec: { taints: extra.taints, unschedulable: extra.unschedulable },
  status: { allocatable: extra.alloc ?? { cpu: '2', memory: '4Gi', pods: '110' }, conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }] },
});
const pod = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name, namespace: 'default' },
  spec: { schedulerName: 'default-scheduler', containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '500m', memory: '512Mi' } } }], ...spec },
});

test('binds to the least loaded fitting node and respects resources', async () => {
  const h = createHarness();
  h.client.seed(R.nodes, node('small', { alloc: { cpu: '1', memory: '1Gi', pods: '110' } }), node('big', { alloc: { cpu: '4', memory: '8Gi', pods: '110' } }));
  h.client.seed(R.pods, pod('p1'), pod('other', { schedulerName: 'custom' }));
  const stop = await h.run(createSchedulerController(h, { retryMs: 50 }));
  try {
    await waitFor(() => h.client.peek(R.pods, 'default', 'p1')?.spec.nodeName !== undefined, 'p1 bound');
    assert.equal(h.client.peek(R.pods, 'default', 'p1')!.spec.nodeName, 'big');
    const bind = h.client.actions.find((a) => a.subresource === 'binding')!;
    assert.deepEqual((bind.object as KubeObject).target, { apiVersion: 'v1', kind: 'Node', name: 'big' });
    // A pod that fits nowhere because of cpu.
    await h.client.create(R.pods, pod('huge', { containers: [{ name: 'c', resources: { requests: { cpu: '8' } } }] }));
    await waitFor(() => h.client.peek(R.pods, 'default', 'huge')?.status?.conditions?.length > 0, 'huge unschedulable');
    const c = h.client.peek(R.pods, 'default', 'huge')!.status.conditions[0];
    assert.equal(c.reason, 'Unschedulable');
    assert.equal(c.message, '0/2 nodes are available: 2 Insufficient cpu.');
    assert.equal(h.client.peek(R.pods, 'default', 'other')!.spec.nodeName, undefined, 'other schedulers are left alone');
  } finally {
    await stop();
  }
});

test('unschedulable message, event, and retry when a node becomes usable', async () => {
  const h = createHarness();
  h.client.seed(
    R.nodes,
    node('n1', { labels: { zone: 'b' } }),
    node('n2', { labels: { zone: 'a' }, taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] }),
    node('n3', { labels: { zone: 'a' }, taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] }),
  );
  h.client.seed(R.pods, pod('p', { nodeSelector: { zone: 'a' } }));
  const stop = await h.run(createSchedulerController(h, { retryMs: 60_000 }));
  try {
    const msg = "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.";
    await waitFor(() => h.client.peek(R.pods, 'default', 'p')?.status?.conditions?.[0]?.message === msg, 'unschedulable condition');
    await h.recorder.flush();
    await waitFor(() => h.client.all(R.events).some((e) => e.reason === 'FailedScheduling' && e.message === msg && e.type === 'Warning'), 'event');
    const n3 = h.client.peek(R.nodes, undefined, 'n3')!;
    await h.client.update(R.nodes, { ...n3, spec: { taints: [] } });
    await waitFor(() => h.client.peek(R.pods, 'default', 'p')?.spec.nodeName === 'n3', 'bound after node change');
  } finally {
    await stop();
  }
});

test('an unschedulable node takes only pods tolerating its NoSchedule taint', async () => {
  const h = createHarness();
  h.client.seed(R.nodes, node('cordoned', { unschedulable: true }));
  const tolerating = { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] };
  // A toleration for another effect does not count (upstream NodeUnschedulable plugin).
  h.client.seed(R.pods, pod('plain'), pod('wrong-effect', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }] }), pod('tolerant', tolerating));
  const stop = await h.run(createSchedulerController(h, { retryMs: 60_000 }));
  try {
    await waitFor(() => h.client.peek(R.pods, 'default', 'tolerant')?.spec.nodeName === 'cordoned', 'tolerant bound');
    for (const name of ['plain', 'wrong-effect']) {
      await waitFor(() => h.client.peek(R.pods, 'default', name)?.status?.conditions?.[0]?.message === '0/1 nodes are available: 1 node(s) were unschedulable.', `${name} unschedulable`);
      assert.equal(h.client.peek(R.pods, 'default', name)!.spec.nodeName, undefined);
    }
  } finally {
    await stop();
  }
});

test('with bindings in flight on several workers, a burst never overcommits a node', async () => {
  const h = createHarness();
  // Room for exactly 3 pods of 500m/512Mi on one node; 6 arrive at once.
  h.client.seed(R.nodes, node('only', { alloc: { cpu: '1500m', memory: '8Gi', pods: '110' } }));
  h.client.seed(R.pods, ...['a', 'b', 'c', 'd', 'e', 'f'].map((n) => pod(n)));
  const stop = await h.run(createSchedulerController(h, { retryMs: 60_000 }));
  try {
    const bound = () => h.client.all(R.pods).filter((p) => p.spec.nodeName === 'only').length;
    const refused = () => h.client.all(R.pods).filter((p) => p.status?.conditions?.[0]?.reason === 'Unschedulable').length;
    await waitFor(() => bound() + refused() === 6, 'every pod decided');
    assert.equal(bound(), 3);
    assert.equal(h.client.actions.filter((a) => a.subresource === 'binding').length, 3, 'no binding beyond capacity was even attempted');
  } finally {
    await stop();
  }
});
