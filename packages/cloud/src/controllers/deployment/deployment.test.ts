import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { R, wellKnown } from '@kedge/api';
import { NS, deploymentObject, harness, rolloutDone } from './test-harness.js';

const REV = wellKnown.revisionAnnotation;
const HASH = wellKnown.podTemplateHashLabel;

describe('deployment reconciler', () => {
  it('creates one hashed ReplicaSet and completes the rollout', async () => {
    const h = harness();
    h.fake.seed(R.deployments, deploymentObject('web', 3));
    await h.settle('web');
    const [rs, ...more] = h.rsOf('web');
    assert.equal(more.length, 0);
    const hash = rs!.metadata.labels![HASH]!;
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs!.metadata.name, `web-${hash}`);
    assert.equal(rs!.spec.selector.matchLabels[HASH], hash);
    assert.equal(rs!.spec.template.metadata.labels[HASH], hash);
    assert.equal(rs!.metadata.annotations![REV], '1');
    assert.equal(rs!.metadata.annotations!['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs!.metadata.annotations!['deployment.kubernetes.io/max-replicas'], '4');
    assert.equal(h.podsOf(rs!).length, 3);
    const d = h.deployment('web');
    assert.equal(d.metadata.annotations![REV], '1');
    assert.equal(d.status.observedGeneration, 1);
    assert.deepEqual([d.status.replicas, d.status.updatedReplicas, d.status.readyReplicas, d.status.availableReplicas, d.status.unavailableReplicas], [3, 3, 3, 3, 0]);
    const cond = (t: string) => d.status.conditions.find((c: { type: string }) => c.type === t);
    assert.equal(cond('Available').status, 'True');
    assert.equal(cond('Available').reason, 'MinimumReplicasAvailable');
    assert.equal(cond('Progressing').reason, 'NewReplicaSetAvailable');
    assert.ok(rolloutDone(d));
  });

  it('rolls out step by step within maxSurge and maxUnavailable', async () => {
    const h = harness();
    h.fake.seed(R.deployments, deploymentObject('web', 4, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await h.settle('web');
    const [oldRs] = h.rsOf('web');
    await h.edit('web', (d) => { d.spec.template.spec.containers[0].image = 'nginx:2'; });
    assert.equal(rolloutDone(h.deployment('web')), false);
    let maxTotal = 0;
    let minAvailable = Infinity;
    let steps = 0;
    await h.settle('web', {
      each: () => {
        steps++;
        const rss = h.rsOf('web');
        maxTotal = Math.max(maxTotal, rss.reduce((n, r) => n + r.spec.replicas, 0));
        minAvailable = Math.min(minAvailable, rss.reduce((n, r) => n + (r.status?.availableReplicas ?? 0), 0));
      },
    });
    assert.ok(steps >= 4, `expected a stepwise rollout, got ${steps} rounds`);
    assert.equal(maxTotal, 5);
    assert.equal(minAvailable, 4);
    const rss = h.rsOf('web');
    const newRs = rss.find((r) => r.metadata.uid !== oldRs!.metadata.uid)!;
    assert.equal(newRs.spec.replicas, 4);
    assert.equal(newRs.metadata.annotations![REV], '2');
    assert.equal(h.fake.peek(R.replicasets, NS, String(oldRs!.metadata.name))!.spec.replicas, 0);
    assert.equal(h.podsOf(oldRs!).length, 0);
    const d = h.deployment('web');
    assert.equal(d.metadata.annotations![REV], '2');
    assert.ok(rolloutDone(d));
    assert.ok(h.recorder.events.some((e) => e.reason === 'ScalingReplicaSet' && /Scaled down replica set web-\w+ from 4 to 3/.test(e.message)));
  });

  it('first step of a default 25%/25% rollout surges one and removes one', async () => {
    const h = harness();
    h.fake.seed(R.deployments, deploymentObject('web', 4));
    await h.settle('web');
    await h.edit('web', (d) => { d.spec.template.spec.containers[0].image = 'nginx:2'; });
    await h.dep.reconcile(`${NS}/web`);
    const sizes = h.rsOf('web').map((r) => [r.metadata.annotations![REV], r.spec.replicas]).sort();
    assert.deepEqual(sizes, [['1', 3], ['2', 1]]);
    const d = h.deployment('web');
    assert.equal(d.status.conditions.find((c: { type: string }) => c.type === 'Progressing').reason, 'NewReplicaSetCreated');
  });

  it('Recreate scales the old ReplicaSet to zero and waits for its pods before creating the new one', async () => {
    const h = harness();
    h.fake.seed(R.deployments, deploymentObject('web', 2, { strategy: { type: 'Recreate' } }));
    await h.settle('web');
    const [oldRs] = h.rsOf('web');
    await h.edit('web', (d) => { d.spec.template.spec.containers[0].image = 'nginx:2'; });
    // Pods that linger (graceful deletion in progress) must block the new RS.
    h.fake.prependReactor('delete', 'pods', (a) => {
      const p = h.fake.peek(R.pods, a.namespace, a.name!);
      if (p && !p.metadata.deletionTimestamp) void h.fake.update(R.pods, { ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:30Z' } });
      return p;
    });
    await h.dep.reconcile(`${NS}/web`);
    assert.equal(h.fake.peek(R.replicasets, NS, String(oldRs!.metadata.name))!.spec.replicas, 0);
    await h.round('web', false);
    assert.equal(h.rsOf('web').length, 1, 'no new RS while old pods still exist');
    h.fake.prependReactor('delete', 'pods', () => undefined);
    for (const p of h.podsOf(oldRs!)) await h.fake.delete(R.pods, NS, String(p.metadata.name));
    await h.settle('web');
    const rss = h.rsOf('web');
    assert.equal(rss.length, 2);
    assert.deepEqual(rss.map((r) => r.spec.replicas).sort(), [0, 2]);
    assert.ok(rolloutDone(h.deployment('web')));
  });

  it('rollout undo reuses the old ReplicaSet and gives it a new revision', async () => {
    const h = harness();
    h.fake.seed(R.deployments, deploymentObject('web', 2));
    await h.settle('web');
    const [v1] = h.rsOf('web');
    await h.edit('web', (d) => { d.spec.template.spec.containers[0].image = 'nginx:2'; });
    await h.settle('web');
    assert.equal(h.rsOf('web').length, 2);
    // kubectl rollout undo: copy the old RS template minus the hash label onto the Deployment.
    await h.edit('web', (d) => {
      const t = structuredClone(v1!.spec.template);
      delete t.metadata.labels[HASH];
      d.spec.template = t;
    });
    await h.settle('web');
    const rss = h.rsOf('web');
    assert.equal(rss.length, 2, 'no third ReplicaSet');
    const back = h.fake.peek(R.replicasets, NS, String(v1!.metadata.name))!;
    assert.equal(back.spec.replicas, 2);
    assert.equal(back.metadata.annotations![REV], '3');
    assert.equal(h.deployment('web').metadata.annotations![REV], '3');
    assert.ok(rolloutDone(h.deployment('web')));
  });

  it('rollout restart (template annotation) makes a new ReplicaSet', async () => {
    const h = harness();
    h.fake.seed(R.deployments, deploymentObject('web', 1));
    await h.settle('web');
    await h.edit('web', (d) => { d.spec.template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:01:00Z' }; });
    await h.settle('web');
    assert.equal(h.rsOf('web').length, 2);
    assert.ok(rolloutDone(h.deployment('web')));
  });

  it('prunes scaled-down ReplicaSets beyond revisionHistoryLimit', async () => {
    const h = harness();
    h.fake.seed(R.deployments, deploymentObject('web', 1, { revisionHistoryLimit: 1 }));
    await h.settle('web');
    for (const image of ['nginx:2', 'nginx:3', 'nginx:4']) {
      await h.edit('web', (d) => { d.spec.template.spec.containers[0].image = image; });
      await h.settle('web');
    }
    const revs = h.rsOf('web').map((r) => r.metadata.annotations![REV]).sort();
    assert.deepEqual(revs, ['3', '4']);
  });

  it('kubectl scale resizes the only active ReplicaSet', async () => {
    const h = harness();
    h.fake.seed(R.deployments, deploymentObject('web', 2));
    await h.settle('web');
    await h.fake.patch(R.deployments, NS, 'web', 'merge', { spec: { replicas: 5 } });
    await h.settle('web');
    const [rs] = h.rsOf('web');
    assert.equal(rs!.spec.replicas, 5);
    assert.equal(rs!.metadata.annotations!['deployment.kubernetes.io/desired-replicas'], '5');
    assert.equal(h.podsOf(rs!).length, 5);
    await h.fake.patch(R.deployments, NS, 'web', 'merge', { spec: { replicas: 1 } });
    await h.settle('web');
    assert.equal(h.podsOf(h.rsOf('web')[0]!).length, 1);
    assert.ok(rolloutDone(h.deployment('web')));
  });

  it('scaling during a rollout is spread proportionally', async () => {
    const h = harness();
    h.fake.seed(R.deployments, deploymentObject('web', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    await h.settle('web');
    await h.edit('web', (d) => { d.spec.template.spec.containers[0].image = 'nginx:2'; });
    await h.round('web', false); // new pods never get ready: the rollout stalls part way
    await h.round('web', false);
    const before = Object.fromEntries(h.rsOf('web').map((r) => [r.metadata.annotations![REV], r.spec.replicas]));
    assert.deepEqual(before, { 1: 8, 2: 5 });
    await h.fake.patch(R.deployments, NS, 'web', 'merge', { spec: { replicas: 20 } });
    await h.dep.reconcile(`${NS}/web`);
    const after = Object.fromEntries(h.rsOf('web').map((r) => [r.metadata.annotations![REV], r.spec.replicas]));
    // allowed 23 = 20 + 3 surge; 10 more spread by size: 8*23/13 ≈ 14, 5*23/13 ≈ 9.
    assert.deepEqual(after, { 1: 14, 2: 9 });
  });

  it('reports ProgressDeadlineExceeded when pods never become ready', async () => {
    const h = harness();
    h.fake.seed(R.deployments, deploymentObject('web', 2, { progressDeadlineSeconds: 30 }));
    await h.settle('web', { kubelet: false });
    let d = h.deployment('web');
    const cond = () => h.deployment('web').status.conditions.find((c: { type: string }) => c.type === 'Progressing');
    assert.notEqual(cond().reason, 'ProgressDeadlineExceeded');
    assert.equal(d.status.conditions.find((c: { type: string }) => c.type === 'Available').status, 'False');
    const res = await h.dep.reconcile(`${NS}/web`);
    assert.ok(res && res.requeueAfterMs! > 0 && res.requeueAfterMs! <= 31_000);
    h.tick(31_000);
    await h.dep.reconcile(`${NS}/web`);
    assert.equal(cond().reason, 'ProgressDeadlineExceeded');
    assert.equal(cond().status, 'False');
    d = h.deployment('web');
    assert.equal(rolloutDone(d), false);
  });

  it('a paused Deployment does not roll out and says so', async () => {
    const h = harness();
    h.fake.seed(R.deployments, deploymentObject('web', 2));
    await h.settle('web');
    await h.edit('web', (d) => { d.spec.paused = true; d.spec.template.spec.containers[0].image = 'nginx:2'; });
    await h.settle('web');
    assert.equal(h.rsOf('web').length, 1);
    const p = h.deployment('web').status.conditions.find((c: { type: string }) => c.type === 'Progressing');
    assert.deepEqual([p.status, p.reason], ['Unknown', 'DeploymentPaused']);
    await h.edit('web', (d) => { d.spec.paused = false; });
    await h.settle('web');
    assert.equal(h.rsOf('web').length, 2);
    assert.ok(rolloutDone(h.deployment('web')));
  });

  it('adopts a matching orphan ReplicaSet and reuses it when its template matches', async () => {
    const h = harness();
    const d = deploymentObject('web', 1);
    h.fake.seed(R.deployments, d);
    const tmpl = structuredClone(d.spec.template);
    tmpl.metadata.labels[HASH] = 'abc';
    h.fake.seed(R.replicasets, { metadata: { name: 'web-abc', namespace: NS, labels: { app: 'web', [HASH]: 'abc' } }, spec: { replicas: 1, selector: { matchLabels: { app: 'web', [HASH]: 'abc' } }, template: tmpl } });
    await h.settle('web');
    const rss = h.rsOf('web');
    assert.deepEqual(rss.map((r) => r.metadata.name), ['web-abc']);
    assert.equal(rss[0]!.metadata.ownerReferences![0]!.uid, h.deployment('web').metadata.uid);
  });

  it('bumps collisionCount when another object holds the hashed name', async () => {
    const h = harness();
    const d = deploymentObject('web', 1);
    h.fake.seed(R.deployments, d);
    await h.dep.reconcile(`${NS}/web`).catch(() => undefined);
    const [rs] = h.rsOf('web');
    // Replace it by a foreign RS of the same name and a different template.
    await h.fake.delete(R.replicasets, NS, String(rs!.metadata.name));
    h.fake.seed(R.replicasets, { metadata: { name: rs!.metadata.name!, namespace: NS, labels: { other: 'x' } }, spec: { replicas: 0, selector: { matchLabels: { other: 'x' } }, template: { metadata: { labels: { other: 'x' } }, spec: {} } } });
    await assert.rejects(h.dep.reconcile(`${NS}/web`), (e: { reason?: string }) => e.reason === 'AlreadyExists');
    assert.equal(h.deployment('web').status.collisionCount, 1);
    await h.settle('web');
    const mine = h.rsOf('web');
    assert.equal(mine.length, 1);
    assert.notEqual(mine[0]!.metadata.name, rs!.metadata.name);
  });
});
