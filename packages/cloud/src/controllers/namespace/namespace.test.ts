import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '@kedge/api';
import { createHarness, waitFor } from '@kedge/core/testing/index.js';
import { createNamespaceController } from './index.js';
import { createServiceAccountController } from '../serviceaccount/index.js';

test('serviceaccount controller creates default SAs in active namespaces only', async () => {
  const h = createHarness();
  h.client.seed(R.namespaces, { metadata: { name: 'a' }, status: { phase: 'Active' } }, { metadata: { name: 'b', deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['x'] }, status: { phase: 'Terminating' } });
  const stop = await h.run(createServiceAccountController(h));
  try {
    await waitFor(() => !!h.client.peek(R.serviceaccounts, 'a', 'default'), 'sa in a');
    await h.client.create(R.namespaces, { metadata: { name: 'c' }, status: { phase: 'Active' } });
    await waitFor(() => !!h.client.peek(R.serviceaccounts, 'c', 'default'), 'sa in c');
    await h.client.delete(R.serviceaccounts, 'a', 'default');
    await waitFor(() => !!h.client.peek(R.serviceaccounts, 'a', 'default'), 'sa recreated');
    assert.equal(h.client.peek(R.serviceaccounts, 'b', 'default'), undefined);
  } finally {
    await stop();
  }
});

test('namespace controller empties a terminating namespace, waits for finalizers, then finalizes', async () => {
  const h = createHarness();
  const crd = { group: 'devices.kubeedge.io', version: 'v1beta1', resource: 'devices', kind: 'Device', namespaced: true };
  h.client.seed(R.namespaces, { metadata: { name: 'gone' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }, { metadata: { name: 'keep' }, spec: { finalizers: ['kubernetes'] } });
  h.client.seed(R.configmaps, { metadata: { name: 'c1', namespace: 'gone' } }, { metadata: { name: 'k1', namespace: 'keep' } });
  h.client.seed(R.pods, { metadata: { name: 'p1', namespace: 'gone', finalizers: ['hold'] } });
  h.client.seed(crd, { metadata: { name: 'd1', namespace: 'gone' } });
  const stop = await h.run(createNamespaceController(h, { recheckMs: 20 }));
  try {
    await h.client.delete(R.namespaces, undefined, 'gone');
    await waitFor(() => !h.client.peek(R.configmaps, 'gone', 'c1') && !h.client.peek(crd, 'gone', 'd1'), 'contents deleted');
    assert.ok(h.client.peek(R.pods, 'gone', 'p1')!.metadata.deletionTimestamp);
    await new Promise((r) => setTimeout(r, 60));
    assert.ok(h.client.peek(R.namespaces, undefined, 'gone'), 'waits while an object is held by a finalizer');
    const p = h.client.peek(R.pods, 'gone', 'p1')!;
    await h.client.update(R.pods, { ...p, metadata: { ...p.metadata, finalizers: [] } });
    await waitFor(() => !h.client.peek(R.namespaces, undefined, 'gone'), 'namespace removed');
    const fin = h.client.actions.find((a) => a.subresource === 'finalize')!;
    assert.deepEqual((fin.object as any).spec.finalizers, []);
    assert.ok(h.client.peek(R.configmaps, 'keep', 'k1'));
  } finally {
    await stop();
  }
});
