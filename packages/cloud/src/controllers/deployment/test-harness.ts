import { R, type KubeObject } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { createFakeKube, type FakeKube } from '@kedge/core/testing/index.js';
import { Expectations } from '../replicaset/expectations.js';
import { ReplicaSetReconciler } from '../replicaset/replicaset-reconciler.js';
import { editSpec, markAllPodsReady, recordingRecorder, storeInformer } from '../replicaset/test-helpers.js';
import { DeploymentReconciler } from './deployment-reconciler.js';

export const NS = 'default';
export const T0 = Date.parse('2026-01-01T00:00:00Z');

export function deploymentObject(name: string, replicas: number, spec: Record<string, unknown> = {}, image = 'nginx:1'): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: NS, generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      ...spec,
    },
  };
}

/** Deployment + ReplicaSet reconcilers over one fake API, with a kubelet stand-in and a movable clock. */
export function harness() {
  const fake: FakeKube = createFakeKube();
  let clock = T0;
  const now = () => clock;
  const log = silentLogger();
  const recorder = recordingRecorder();
  const deployments = storeInformer(fake, R.deployments);
  const replicaSets = storeInformer(fake, R.replicasets);
  const pods = storeInformer(fake, R.pods);
  const dep = new DeploymentReconciler({ client: fake, log, recorder, now, deployments, replicaSets, pods });
  const rsc = new ReplicaSetReconciler({ client: fake, log, recorder, now, replicaSets, pods, expectations: new Expectations(now) });
  const rsOf = (name: string) => fake.all(R.replicasets, NS).filter((r) => r.metadata.ownerReferences?.some((o) => o.name === name));

  /** One pass of every controller; `kubelet` readies new pods afterwards. Returns writes done. */
  async function round(name: string, kubelet: boolean): Promise<number> {
    const before = fake.writes().length;
    await dep.reconcile(`${NS}/${name}`);
    for (const rs of fake.all(R.replicasets, NS)) await rsc.reconcile(`${NS}/${rs.metadata.name}`);
    await dep.reconcile(`${NS}/${name}`);
    if (kubelet) await markAllPodsReady(fake, NS, clock);
    return fake.writes().length - before;
  }

  /** Rounds until nothing changes; `each` sees every intermediate state. */
  async function settle(name: string, opts: { kubelet?: boolean; each?: () => void; max?: number } = {}): Promise<number> {
    for (let i = 1; i <= (opts.max ?? 40); i++) {
      const n = await round(name, opts.kubelet ?? true);
      opts.each?.();
      if (n === 0) return i;
    }
    throw new Error('did not settle');
  }

  return {
    fake, dep, rsc, recorder, rsOf, round, settle,
    tick: (ms: number) => { clock += ms; },
    deployment: (name: string) => fake.peek(R.deployments, NS, name)!,
    edit: (name: string, change: (o: KubeObject) => void) => editSpec(fake, R.deployments, NS, name, change),
    podsOf: (rs: KubeObject) => fake.all(R.pods, NS).filter((p) => p.metadata.ownerReferences?.some((o) => o.uid === rs.metadata.uid)),
  };
}

/** kubectl rollout status's done test (k8s-api.md §11). */
export function rolloutDone(d: KubeObject): boolean {
  const s = d.status ?? {};
  const progressing = (s.conditions ?? []).find((c: { type: string }) => c.type === 'Progressing');
  return (d.metadata.generation ?? 0) <= (s.observedGeneration ?? 0)
    && s.updatedReplicas === d.spec.replicas && s.replicas === s.updatedReplicas && s.availableReplicas === s.updatedReplicas
    && progressing?.reason !== 'ProgressDeadlineExceeded';
}
