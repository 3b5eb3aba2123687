import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { R, type KubeObject } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { createFakeKube } from '@kedge/core/testing/index.js';
import { Expectations } from '../replicaset/expectations.js';
import { editSpec, markPodReady, recordingRecorder, storeInformer } from '../replicaset/test-helpers.js';
import { DaemonSetReconciler } from './daemonset-reconciler.js';
import { targetNodeName } from './daemon-pod.js';
import { nodeShouldRunDaemonPod } from './node-eligibility.js';

const NS = 'kube-system';
const T0 = Date.parse('2026-01-01T00:00:00Z');

function node(name: string, labels: Record<string, string> = {}, taints: unknown[] = []): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: { taints } };
}

function dsObject(name: string, spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name, namespace: NS, generation: 1 },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'agent:1' }], ...podSpec } },
      ...spec,
    },
  };
}

function setup() {
  const fake = createFakeKube();
  let clock = T0;
  const now = () => clock;
  const rec = new DaemonSetReconciler({
    client: fake, log: silentLogger(), recorder: recordingRecorder(), now,
    daemonSets: storeInformer(fake, R.daemonsets), pods: storeInformer(fake, R.pods), nodes: storeInformer(fake, R.nodes),
    expectations: new Expectations(now),
  });
  const pods = () => fake.all(R.pods, NS);
  const byNode = () => Object.fromEntries(pods().map((p) => [targetNodeName(p), p]));
  /** Plays scheduler + kubelet for every pod. */
  const runAll = async () => { for (const p of pods()) await markPodReady(fake, p, clock, targetNodeName(p)); };
  return { fake, rec, pods, byNode, runAll, tick: (ms: number) => { clock += ms; } };
}

const dsStatus = (fake: ReturnType<typeof createFakeKube>, name = 'agent') => fake.peek(R.daemonsets, NS, name)!.status;

describe('daemonset reconciler', () => {
  it('creates one pod per eligible node, pinned by node affinity with daemon tolerations', async () => {
    const { fake, rec, pods, runAll } = setup();
    fake.seed(R.nodes, node('edge-1', { 'node-role.kubernetes.io/edge': '' }), node('edge-2', { 'node-role.kubernetes.io/edge': '' }), node('cloud-1'));
    fake.seed(R.daemonsets, dsObject('agent', {}, { nodeSelector: { 'node-role.kubernetes.io/edge': '' } }));
    await rec.reconcile(`${NS}/agent`);
    const all = pods();
    assert.deepEqual(all.map(targetNodeName).sort(), ['edge-1', 'edge-2']);
    const p = all[0]!;
    assert.equal(p.spec.nodeName, undefined, 'the scheduler binds, not the controller');
    assert.deepEqual(p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].operator, 'In');
    const tolKeys = p.spec.tolerations.map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`);
    for (const k of ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule']) assert.ok(tolKeys.includes(k), k);
    assert.equal(p.spec.tolerations.find((t: { key: string }) => t.key === 'node.kubernetes.io/not-ready').tolerationSeconds, undefined);
    assert.ok(p.metadata.labels!['controller-revision-hash']);
    await rec.reconcile(`${NS}/agent`);
    assert.equal(pods().length, 2, 'stable once every node has its pod');
    await runAll();
    await rec.reconcile(`${NS}/agent`);
    assert.deepEqual(dsStatus(fake), {
      currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 2, observedGeneration: 1,
      updatedNumberScheduled: 2, numberAvailable: 2, numberUnavailable: 0,
    });
  });

  it('honours taints: NoSchedule blocks new pods, NoExecute evicts, auto tolerations allow not-ready nodes', async () => {
    const { fake, rec, byNode } = setup();
    fake.seed(R.nodes,
      node('plain'),
      node('notready', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]),
      node('dedicated', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]));
    fake.seed(R.daemonsets, dsObject('agent'));
    await rec.reconcile(`${NS}/agent`);
    assert.deepEqual(Object.keys(byNode()).sort(), ['notready', 'plain']);
    // A NoExecute taint the pod does not tolerate removes the pod.
    const plain = fake.peek(R.nodes, undefined, 'plain')!;
    await fake.update(R.nodes, { ...plain, spec: { taints: [{ key: 'evict', effect: 'NoExecute' }] } });
    await rec.reconcile(`${NS}/agent`);
    assert.deepEqual(Object.keys(byNode()).sort(), ['notready']);
    // A toleration in the template lets it onto the dedicated node.
    await editSpec(fake, R.daemonsets, NS, 'agent', (d) => { d.spec.template.spec.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }]; });
    await rec.reconcile(`${NS}/agent`);
    assert.ok(byNode()['dedicated']);
  });

  it('deletes pods from nodes that stop matching and from deleted nodes', async () => {
    const { fake, rec, byNode } = setup();
    fake.seed(R.nodes, node('a', { role: 'edge' }), node('b', { role: 'edge' }));
    fake.seed(R.daemonsets, dsObject('agent', {}, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'role', operator: 'In', values: ['edge'] }] }] } } } }));
    await rec.reconcile(`${NS}/agent`);
    assert.deepEqual(Object.keys(byNode()).sort(), ['a', 'b']);
    const a = fake.peek(R.nodes, undefined, 'a')!;
    await fake.update(R.nodes, { ...a, metadata: { ...a.metadata, labels: { role: 'cloud' } } });
    await fake.delete(R.nodes, undefined, 'b');
    await rec.reconcile(`${NS}/agent`);
    assert.deepEqual(Object.keys(byNode()), []);
  });

  it('rolling update replaces at most maxUnavailable available pods at a time', async () => {
    const { fake, rec, pods, runAll } = setup();
    fake.seed(R.nodes, node('n1'), node('n2'), node('n3'));
    fake.seed(R.daemonsets, dsObject('agent'));
    await rec.reconcile(`${NS}/agent`);
    await runAll();
    await rec.reconcile(`${NS}/agent`);
    const oldHash = pods()[0]!.metadata.labels!['controller-revision-hash'];
    await editSpec(fake, R.daemonsets, NS, 'agent', (d) => { d.spec.template.spec.containers[0].image = 'agent:2'; });
    await rec.reconcile(`${NS}/agent`);
    assert.equal(pods().length, 2, 'default maxUnavailable 1: one old pod deleted');
    let rounds = 0;
    while (pods().some((p) => p.metadata.labels!['controller-revision-hash'] === oldHash) || pods().length < 3) {
      assert.ok(++rounds < 20, 'rollout did not finish');
      await rec.reconcile(`${NS}/agent`);
      const unavailable = 3 - pods().filter((p) => p.status?.phase === 'Running').length;
      assert.ok(unavailable <= 1, `unavailable ${unavailable}`);
      await runAll();
    }
    await rec.reconcile(`${NS}/agent`);
    const st = dsStatus(fake);
    assert.equal(st.updatedNumberScheduled, 3);
    assert.equal(st.numberAvailable, 3);
  });

  it('OnDelete leaves outdated pods alone', async () => {
    const { fake, rec, pods } = setup();
    fake.seed(R.nodes, node('n1'));
    fake.seed(R.daemonsets, dsObject('agent', { updateStrategy: { type: 'OnDelete' } }));
    await rec.reconcile(`${NS}/agent`);
    const before = pods()[0]!.metadata.name;
    await editSpec(fake, R.daemonsets, NS, 'agent', (d) => { d.spec.template.spec.containers[0].image = 'agent:2'; });
    await rec.reconcile(`${NS}/agent`);
    await rec.reconcile(`${NS}/agent`);
    assert.equal(pods()[0]!.metadata.name, before);
    assert.equal(dsStatus(fake).updatedNumberScheduled, 0);
  });

  it('replaces a failed pod and removes duplicates on a node', async () => {
    const { fake, rec, pods } = setup();
    fake.seed(R.nodes, node('n1'));
    fake.seed(R.daemonsets, dsObject('agent'));
    await rec.reconcile(`${NS}/agent`);
    const [p] = pods();
    await fake.update(R.pods, { ...p!, status: { phase: 'Failed' } }, { subresource: 'status' });
    await rec.reconcile(`${NS}/agent`);
    assert.equal(pods().length, 1);
    assert.notEqual(pods()[0]!.metadata.name, p!.metadata.name, 'failed pod replaced');
    const ds = fake.peek(R.daemonsets, NS, 'agent')!;
    const extra = { ...pods()[0]!, metadata: { ...pods()[0]!.metadata, name: 'dup', uid: undefined, resourceVersion: undefined, creationTimestamp: '2030-01-01T00:00:00Z' } };
    fake.seed(R.pods, extra);
    await rec.reconcile(`${NS}/agent`);
    assert.deepEqual(pods().map((x) => x.metadata.name).filter((n) => n === 'dup'), []);
    assert.equal(pods().length, 1);
    assert.equal(ds.metadata.name, 'agent');
  });
});

describe('node eligibility', () => {
  it('keeps running pods on an untolerated NoSchedule node but does not start new ones', () => {
    const n = node('x', {}, [{ key: 'maint', effect: 'NoSchedule' }]);
    assert.deepEqual(nodeShouldRunDaemonPod(n, dsObject('a')), { shouldRun: false, shouldContinueRunning: true });
    const unsched = node('y', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
    assert.deepEqual(nodeShouldRunDaemonPod(unsched, dsObject('a')), { shouldRun: true, shouldContinueRunning: true });
  });
});
