import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, R, type KubeObject } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { createFakeKube, type FakeKube } from '@kedge/core/testing/index.js';
import { Expectations } from './expectations.js';
import { ReplicaSetReconciler } from './replicaset-reconciler.js';
import { comparePodsForDeletion, scaledValue } from './pod-utils.js';
import { markPodReady, recordingRecorder, storeInformer } from './test-helpers.js';

const NS = 'default';
const T0 = Date.parse('2026-01-01T00:00:00Z');

function rsObject(name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name, namespace: NS, generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      ...extra,
    },
  };
}

function setup(opts: { now?: () => number } = {}) {
  const fake = createFakeKube();
  let clock = T0;
  const now = opts.now ?? (() => clock);
  const replicaSets = storeInformer(fake, R.replicasets);
  const pods = storeInformer(fake, R.pods);
  const recorder = recordingRecorder();
  const expectations = new Expectations(now);
  const rec = new ReplicaSetReconciler({ client: fake, log: silentLogger(), recorder, now, replicaSets, pods, expectations });
  return { fake, rec, pods, replicaSets, recorder, expectations, tick: (ms: number) => { clock += ms; } };
}

const podsOf = (fake: FakeKube, rs: string) =>
  fake.all(R.pods, NS).filter((p) => p.metadata.ownerReferences?.some((r) => r.name === rs && r.controller));

describe('replicaset reconciler', () => {
  it('creates missing pods from the template with owner reference and generateName', async () => {
    const { fake, rec, recorder } = setup();
    fake.seed(R.replicasets, rsObject('web', 3));
    await rec.reconcile(`${NS}/web`);
    const pods = podsOf(fake, 'web');
    assert.equal(pods.length, 3);
    const rs = fake.peek(R.replicasets, NS, 'web')!;
    for (const p of pods) {
      assert.match(String(p.metadata.name), /^web-[a-z0-9]{5}$/);
      assert.equal(p.metadata.namespace, NS);
      assert.deepEqual(p.metadata.labels, { app: 'web', tier: 'web' });
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      assert.equal(p.spec.containers[0].image, 'nginx');
    }
    assert.equal(recorder.events.filter((e) => e.reason === 'SuccessfulCreate').length, 3);
    // As upstream, status reflects the pods seen before this sync; the pod events trigger the next one.
    await rec.reconcile(`${NS}/web`);
    assert.equal(podsOf(fake, 'web').length, 3);
    assert.deepEqual(fake.peek(R.replicasets, NS, 'web')!.status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 });
  });

  it('creates in slow-start batches and stops after a failing batch, reporting ReplicaFailure', async () => {
    const { fake, rec } = setup();
    fake.seed(R.replicasets, rsObject('web', 10));
    let creates = 0;
    fake.prependReactor('create', 'pods', () => {
      creates++;
      return creates === 4 ? Promise.reject(new ApiError('Forbidden', 'exceeded quota')) : undefined;
    });
    await assert.rejects(rec.reconcile(`${NS}/web`), /exceeded quota/);
    // Batches 1, 2, then 4 of which one failed: 7 attempts, 6 pods.
    assert.equal(creates, 7);
    assert.equal(podsOf(fake, 'web').length, 6);
    const cond = fake.peek(R.replicasets, NS, 'web')!.status.conditions[0];
    assert.equal(cond.type, 'ReplicaFailure');
    assert.equal(cond.reason, 'FailedCreate');
    fake.prependReactor('create', 'pods', () => undefined);
    creates = 100;
    await rec.reconcile(`${NS}/web`);
    assert.equal(podsOf(fake, 'web').length, 10);
    assert.equal(fake.peek(R.replicasets, NS, 'web')!.status.conditions, undefined);
  });

  it('does not double-create while the cache has not seen its own creates (expectations)', async () => {
    const { fake, rec, pods } = setup();
    fake.seed(R.replicasets, rsObject('web', 2));
    pods.freeze(); // the cache lags: it will not see the pods about to be created
    await rec.reconcile(`${NS}/web`);
    assert.equal(podsOf(fake, 'web').length, 2);
    const res = await rec.reconcile(`${NS}/web`);
    assert.equal(podsOf(fake, 'web').length, 2, 'a second reconcile on a stale cache must not create more');
    assert.ok(res && res.requeueAfterMs !== undefined && res.requeueAfterMs > 0);
    pods.thaw();
    await rec.reconcile(`${NS}/web`);
    assert.equal(podsOf(fake, 'web').length, 2);
  });

  it('scales down deleting unscheduled, then not-ready, then newest pods first', async () => {
    const { fake, rec } = setup();
    fake.seed(R.replicasets, rsObject('web', 4));
    const rs = fake.peek(R.replicasets, NS, 'web')!;
    const mk = (name: string, created: string, nodeName?: string): KubeObject => ({
      metadata: { name, namespace: NS, labels: { app: 'web', tier: 'web' }, creationTimestamp: created, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid!, controller: true }] },
      spec: nodeName ? { nodeName } : {},
    });
    fake.seed(R.pods,
      mk('old-ready', '2026-01-01T00:00:00Z', 'n1'), mk('new-ready', '2026-01-01T00:05:00Z', 'n1'),
      mk('not-ready', '2026-01-01T00:00:00Z', 'n1'), mk('unscheduled', '2026-01-01T00:00:00Z'));
    await markPodReady(fake, { metadata: { name: 'old-ready', namespace: NS } }, T0);
    await markPodReady(fake, { metadata: { name: 'new-ready', namespace: NS } }, T0);
    await fake.update(R.pods, { ...fake.peek(R.pods, NS, 'not-ready')!, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } }, { subresource: 'status' });
    await fake.update(R.replicasets, { ...fake.peek(R.replicasets, NS, 'web')!, spec: { ...rs.spec, replicas: 1 } });
    await rec.reconcile(`${NS}/web`);
    assert.deepEqual(podsOf(fake, 'web').map((p) => p.metadata.name), ['old-ready']);
  });

  it('adopts matching orphans and releases owned pods that stopped matching', async () => {
    const { fake, rec } = setup();
    fake.seed(R.replicasets, rsObject('web', 2));
    const rs = fake.peek(R.replicasets, NS, 'web')!;
    fake.seed(R.pods,
      { metadata: { name: 'orphan', namespace: NS, labels: { app: 'web' } }, spec: {} },
      { metadata: { name: 'other-owner', namespace: NS, labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'x-uid', controller: true }] }, spec: {} },
      { metadata: { name: 'relabelled', namespace: NS, labels: { app: 'db' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid!, controller: true }] }, spec: {} },
      { metadata: { name: 'unrelated', namespace: NS, labels: { app: 'db' } }, spec: {} });
    await rec.reconcile(`${NS}/web`);
    assert.equal(fake.peek(R.pods, NS, 'orphan')!.metadata.ownerReferences![0]!.uid, rs.metadata.uid);
    assert.equal(fake.peek(R.pods, NS, 'other-owner')!.metadata.ownerReferences![0]!.uid, 'x-uid');
    assert.deepEqual(fake.peek(R.pods, NS, 'relabelled')!.metadata.ownerReferences, []);
    assert.equal(fake.peek(R.pods, NS, 'unrelated')!.metadata.ownerReferences, undefined);
    // orphan adopted + 1 created = 2
    assert.equal(podsOf(fake, 'web').length, 2);
  });

  it('counts available pods only after minReadySeconds and requeues for the rest', async () => {
    const { fake, rec, tick } = setup();
    fake.seed(R.replicasets, rsObject('web', 2, { minReadySeconds: 10 }));
    await rec.reconcile(`${NS}/web`);
    for (const p of podsOf(fake, 'web')) await markPodReady(fake, p, T0);
    tick(4000);
    const res = await rec.reconcile(`${NS}/web`);
    let st = fake.peek(R.replicasets, NS, 'web')!.status;
    assert.equal(st.readyReplicas, 2);
    assert.equal(st.availableReplicas, 0);
    assert.equal(res?.requeueAfterMs, 6000);
    tick(6000);
    await rec.reconcile(`${NS}/web`);
    st = fake.peek(R.replicasets, NS, 'web')!.status;
    assert.equal(st.availableReplicas, 2);
  });

  it('ignores terminated pods and replaces them', async () => {
    const { fake, rec } = setup();
    fake.seed(R.replicasets, rsObject('web', 1));
    await rec.reconcile(`${NS}/web`);
    const [p] = podsOf(fake, 'web');
    await fake.update(R.pods, { ...p!, status: { phase: 'Failed' } }, { subresource: 'status' });
    await rec.reconcile(`${NS}/web`);
    assert.equal(podsOf(fake, 'web').length, 2);
    await rec.reconcile(`${NS}/web`);
    assert.equal(podsOf(fake, 'web').length, 2);
    assert.equal(fake.peek(R.replicasets, NS, 'web')!.status.replicas, 1);
  });

  it('does nothing for a deleted replicaset', async () => {
    const { fake, rec } = setup();
    await rec.reconcile(`${NS}/gone`);
    assert.equal(fake.writes().length, 0);
  });
});

describe('pod helpers', () => {
  it('ranks more restarts before fewer and newer before older', () => {
    const base = (name: string, created: string, restarts: number): KubeObject => ({
      metadata: { name, creationTimestamp: created }, spec: { nodeName: 'n' },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }], containerStatuses: [{ restartCount: restarts }] },
    });
    const sorted = [base('a', '2026-01-01T00:00:00Z', 0), base('b', '2026-01-01T00:00:00Z', 5), base('c', '2026-01-02T00:00:00Z', 0)].sort(comparePodsForDeletion);
    assert.deepEqual(sorted.map((p) => p.metadata.name), ['b', 'c', 'a']);
  });

  it('scales int-or-percent values with upstream rounding', () => {
    assert.equal(scaledValue('25%', 10, true, 0), 3);
    assert.equal(scaledValue('25%', 10, false, 0), 2);
    assert.equal(scaledValue(2, 10, false, 0), 2);
    assert.equal(scaledValue(undefined, 4, true, '25%'), 1);
  });
});
