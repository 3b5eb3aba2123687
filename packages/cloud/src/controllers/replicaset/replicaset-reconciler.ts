import { R, isNotFound, type KubeObject } from '@kedge/api';
import type { EventRecorder, Informer, KubeClient, Reconciler, Result } from '@kedge/core';
import type { Logger } from 'pino';
import { claimObjects, ownerRefTo } from './claim.js';
import type { Expectations } from './expectations.js';
import { isPodActive, podsToDelete } from './pod-utils.js';
import { computeReplicaSetStatus, nextAvailableInMs, sameJson, type ManageFailure } from './replicaset-status.js';
import { selectorMatches } from './selector.js';

export interface ReplicaSetReconcilerDeps {
  client: KubeClient;
  log: Logger;
  recorder: EventRecorder;
  now: () => number;
  replicaSets: Informer;
  pods: Informer;
  expectations: Expectations;
  /** Most pods created or deleted in one sync (upstream burstReplicas). */
  burstReplicas?: number;
}

/** A pod built from `rs.spec.template`, owned by `rs` (upstream GetPodFromTemplate). */
export function podFromTemplate(rs: KubeObject): KubeObject {
  const t = rs.spec?.template ?? {};
  const meta = t.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [ownerRefTo(rs, R.replicasets)],
    },
    spec: structuredClone(t.spec ?? {}),
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Keeps `spec.replicas` active pods for each ReplicaSet (upstream pkg/controller/replicaset). */
export class ReplicaSetReconciler implements Reconciler {
  constructor(private readonly d: ReplicaSetReconcilerDeps) {}

  async reconcile(key: string): Promise<Result | void> {
    const { d } = this;
    const rs = d.replicaSets.get(key);
    if (!rs) {
      d.expectations.forget(key);
      return;
    }
    const ns = rs.metadata.namespace;
    const satisfied = d.expectations.satisfied(key, (name) => {
      const p = d.pods.get(`${ns}/${name}`);
      return !p ? 'absent' : p.metadata.deletionTimestamp ? 'terminating' : 'present';
    });
    const candidates = d.pods.list(ns).filter(isPodActive);
    const pods = await claimObjects({
      client: d.client, log: d.log, owner: rs, ownerResource: R.replicasets, resource: R.pods, candidates,
      matches: (p) => selectorMatches(rs.spec?.selector, p.metadata.labels),
    });

    let failure: ManageFailure | undefined;
    let failureErr: unknown;
    if (satisfied && !rs.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(key, rs, pods);
      } catch (err) {
        failureErr = err;
        failure = { reason: pods.length < (rs.spec?.replicas ?? 1) ? 'FailedCreate' : 'FailedDelete', message: messageOf(err) };
      }
    }

    const now = d.now();
    const status = computeReplicaSetStatus(rs, pods, failure, now);
    if (!sameJson(status, rs.status ?? {})) {
      try {
        await d.client.update(R.replicasets, { ...structuredClone(rs), status }, { subresource: 'status' });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    if (failureErr) throw failureErr;

    const waits = [nextAvailableInMs(pods, rs.spec?.minReadySeconds ?? 0, now), satisfied ? undefined : d.expectations.msUntilExpiry(key)];
    const after = waits.filter((x): x is number => x !== undefined);
    return after.length ? { requeueAfterMs: Math.min(...after) } : undefined;
  }

  private async manageReplicas(key: string, rs: KubeObject, pods: KubeObject[]): Promise<void> {
    const { d } = this;
    const burst = d.burstReplicas ?? 500;
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    if (diff < 0) {
      const want = Math.min(-diff, burst);
      d.log.debug({ rs: key, want }, 'creating pods');
      await this.slowStartCreate(key, rs, want);
    } else if (diff > 0) {
      const victims = podsToDelete(pods, Math.min(diff, burst));
      d.expectations.expectDeletions(key, victims.map((p) => String(p.metadata.name)));
      const results = await Promise.allSettled(victims.map((p) => this.deletePod(rs, p)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      results.forEach((r, i) => { if (r.status === 'rejected') d.expectations.deletionObserved(key, String(victims[i]!.metadata.name)); });
      if (failed) throw failed.reason;
    }
  }

  /** Creates in batches of 1, 2, 4, ... and stops at the first failing batch (upstream slowStartBatch). */
  private async slowStartCreate(key: string, rs: KubeObject, count: number): Promise<void> {
    const { d } = this;
    let remaining = count;
    let batch = 1;
    while (remaining > 0) {
      const size = Math.min(batch, remaining);
      const results = await Promise.allSettled(Array.from({ length: size }, () => d.client.create(R.pods, podFromTemplate(rs))));
      const created = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      d.expectations.expectCreations(key, created.map((p) => String(p.metadata.name)));
      for (const p of created) d.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${p.metadata.name}`);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        d.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${messageOf(failed.reason)}`);
        throw failed.reason;
      }
      remaining -= size;
      batch *= 2;
    }
  }

  private async deletePod(rs: KubeObject, pod: KubeObject): Promise<void> {
    try {
      await this.d.client.delete(R.pods, pod.metadata.namespace, String(pod.metadata.name), { preconditions: { uid: pod.metadata.uid } });
      this.d.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      if (isNotFound(err)) return;
      this.d.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${messageOf(err)}`);
      throw err;
    }
  }
}
