import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R, wellKnown, type KubeObject } from '@kedge/api';
import { createHarness, waitFor } from '@kedge/core/testing/index.js';
import { createNodeLifecycleController } from './index.js';

const node = (name: string, edge: boolean): KubeObject => ({
  metadata: { name, labels: edge ? { [wellKnown.edgeRoleLabel]: '' } : {} },
  spec: {},
  status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T00:00:00Z' }] },
});
const pod = (name: string, nodeName: string, tolerations?: unknown[]): KubeObject => ({
  metadata: { name, namespace: 'default' },
  spec: { nodeName, containers: [{ name: 'c' }], ...(tolerations ? { tolerations } : {}) },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
});

test('silent nodes go Unknown and tainted, pods not ready; eviction by policy; recovery removes taints', async () => {
  const h = createHarness();
  let t = 1_000_000;
  h.client.seed(R.nodes, node('cloud1', false), node('edge1', true));
  h.client.seed(R.pods,
    pod('short', 'cloud1', [{ key: wellKnown.taintUnreachable, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }]),
    pod('dflt', 'cloud1'),
    pod('forever', 'cloud1', [{ key: wellKnown.taintUnreachable, operator: 'Exists', effect: 'NoExecute' }]),
    pod('edgepod', 'edge1'));
  const ctl = createNodeLifecycleController({ ...h, now: () => t }, { gracePeriodMs: 50_000, monitorPeriodMs: 20 });
  const stop = await h.run(ctl);
  try {
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(h.client.writes().length, 0, 'healthy nodes are left alone');
    t += 51_000;
    await waitFor(() => h.client.peek(R.nodes, undefined, 'cloud1')?.status.conditions.find((c: any) => c.type === 'Ready').status === 'Unknown', 'cloud1 unknown');
    await waitFor(() => (h.client.peek(R.nodes, undefined, 'edge1')?.spec.taints ?? []).length === 2, 'edge1 tainted');
    const n = h.client.peek(R.nodes, undefined, 'cloud1')!;
    const ready = n.status.conditions.find((c: any) => c.type === 'Ready');
    assert.equal(ready.reason, 'NodeStatusUnknown');
    assert.equal(ready.message, 'Kubelet stopped posting node status.');
    assert.deepEqual(n.status.conditions.map((c: any) => c.type).sort(), ['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready']);
    await waitFor(() => (h.client.peek(R.nodes, undefined, 'cloud1')?.spec.taints ?? []).length === 2, 'cloud1 tainted');
    assert.deepEqual(h.client.peek(R.nodes, undefined, 'cloud1')!.spec.taints.map((x: any) => `${x.key}:${x.effect}`), [`${wellKnown.taintUnreachable}:NoSchedule`, `${wellKnown.taintUnreachable}:NoExecute`]);
    await waitFor(() => h.client.peek(R.pods, 'default', 'dflt')?.status.conditions[0].status === 'False', 'pods not ready');
    assert.ok(h.client.peek(R.pods, 'default', 'short'), 'not evicted before tolerationSeconds');
    t += 11_000;
    await waitFor(() => !h.client.peek(R.pods, 'default', 'short'), 'short evicted');
    assert.ok(h.client.peek(R.pods, 'default', 'dflt'), 'default toleration 300 s');
    t += 300_000;
    await waitFor(() => !h.client.peek(R.pods, 'default', 'dflt'), 'dflt evicted');
    await new Promise((r) => setTimeout(r, 60));
    assert.ok(h.client.peek(R.pods, 'default', 'forever'), 'toleration without seconds keeps the pod');
    assert.ok(h.client.peek(R.pods, 'default', 'edgepod'), 'edge pods are never evicted by default');
    // Heartbeat resumes on cloud1.
    const cur = h.client.peek(R.nodes, undefined, 'cloud1')!;
    await h.client.update(R.nodes, { ...cur, status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T01:00:00Z' }] } }, { subresource: 'status' });
    await waitFor(() => (h.client.peek(R.nodes, undefined, 'cloud1')?.spec.taints ?? []).length === 0, 'taints removed');
    await h.recorder.flush();
    assert.ok(h.client.all(R.events).some((e) => e.reason === 'NodeNotReady'));
    assert.ok(h.client.all(R.events).some((e) => e.reason === 'TaintManagerEviction'));
  } finally {
    await stop();
  }
});

test('evictEdgePods: true evicts edge pods too; lease renewals count as heartbeats', async () => {
  const h = createHarness();
  let t = 1_000_000;
  h.client.seed(R.nodes, node('edge1', true), node('edge2', true));
  h.client.seed(R.leases, { metadata: { name: 'edge2', namespace: 'kube-node-lease' }, spec: { renewTime: '2026-01-01T00:00:00.000000Z' } });
  h.client.seed(R.pods, pod('p', 'edge1', [{ key: wellKnown.taintUnreachable, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }]));
  const stop = await h.run(createNodeLifecycleController({ ...h, now: () => t }, { gracePeriodMs: 50_000, monitorPeriodMs: 20, evictEdgePods: true }));
  try {
    await new Promise((r) => setTimeout(r, 50));
    t += 30_000;
    const lease = h.client.peek(R.leases, 'kube-node-lease', 'edge2')!;
    await h.client.update(R.leases, { ...lease, spec: { renewTime: '2026-01-01T00:00:30.000000Z' } });
    await new Promise((r) => setTimeout(r, 50));
    t += 30_000;
    await waitFor(() => !h.client.peek(R.pods, 'default', 'p'), 'edge pod evicted');
    const e2 = h.client.peek(R.nodes, undefined, 'edge2')!;
    assert.equal(e2.status.conditions[0].status, 'True', 'lease renewal kept edge2 alive');
  } finally {
    await stop();
  }
});
