import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R, controllerRef, type KubeObject } from '@kedge/api';
import { createHarness, waitFor } from '@kedge/core/testing/index.js';
import { createGarbageCollectorController } from './index.js';

function tree(h: ReturnType<typeof createHarness>) {
  h.client.seed(R.deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns', uid: 'ud' } });
  const d = h.client.peek(R.deployments, 'ns', 'd')!;
  h.client.seed(R.replicasets, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'ns', uid: 'urs', ownerReferences: [controllerRef(d)] } });
  const rs = h.client.peek(R.replicasets, 'ns', 'rs')!;
  h.client.seed(R.pods, { metadata: { name: 'p', namespace: 'ns', uid: 'up', ownerReferences: [controllerRef(rs)] } });
  // Same-named owner in another namespace must not keep this one alive.
  h.client.seed(R.configmaps, { metadata: { name: 'cm', namespace: 'other', ownerReferences: [{ ...controllerRef(d) }] } });
  return d;
}

test('background: dependents of a deleted owner cascade away; owners in other namespaces do not count', async () => {
  const h = createHarness();
  tree(h);
  h.client.seed(R.configmaps, { metadata: { name: 'live', namespace: 'ns', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'ud' }] } });
  const stop = await h.run(createGarbageCollectorController(h, { recheckMs: 20 }));
  try {
    await waitFor(() => !h.client.peek(R.configmaps, 'other', 'cm'), 'cross-namespace dependent collected');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(h.client.peek(R.pods, 'ns', 'p') && h.client.peek(R.configmaps, 'ns', 'live'), 'live owners keep dependents');
    await h.client.delete(R.deployments, 'ns', 'd');
    await waitFor(() => !h.client.peek(R.replicasets, 'ns', 'rs') && !h.client.peek(R.pods, 'ns', 'p'), 'cascade');
    const del = h.client.actions.find((a) => a.verb === 'delete' && a.resource === 'replicasets.apps')!;
    assert.deepEqual(del.options, { propagationPolicy: 'Background', preconditions: { uid: 'urs' } });
  } finally {
    await stop();
  }
});

test('foreground: owner keeps its finalizer until blocking dependents are gone', async () => {
  const h = createHarness();
  tree(h);
  const stop = await h.run(createGarbageCollectorController(h, { recheckMs: 20 }));
  try {
    await h.client.delete(R.deployments, 'ns', 'd', { propagationPolicy: 'Foreground' });
    await waitFor(() => !h.client.peek(R.deployments, 'ns', 'd'), 'owner gone after dependents');
    assert.equal(h.client.peek(R.replicasets, 'ns', 'rs'), undefined);
    assert.equal(h.client.peek(R.pods, 'ns', 'p'), undefined);
    const rsDel = h.client.actions.find((a) => a.verb === 'delete' && a.resource === 'replicasets.apps')!;
    assert.equal(rsDel.options!.propagationPolicy, 'Foreground', 'dependents with their own dependents go foreground too');
  } finally {
    await stop();
  }
});

test('orphan: ownerReferences are stripped, dependents stay, finalizer removed', async () => {
  const h = createHarness();
  tree(h);
  const stop = await h.run(createGarbageCollectorController(h, { recheckMs: 20 }));
  try {
    await h.client.delete(R.replicasets, 'ns', 'rs', { propagationPolicy: 'Orphan' });
    await waitFor(() => !h.client.peek(R.replicasets, 'ns', 'rs'), 'rs gone');
    const p = h.client.peek<KubeObject>(R.pods, 'ns', 'p')!;
    assert.ok(p, 'pod orphaned, not deleted');
    assert.equal(p.metadata.ownerReferences, undefined);
  } finally {
    await stop();
  }
});
