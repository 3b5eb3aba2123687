import { R, isNotFound, type KubeObject } from '@kedge/api';
import type { EventRecorder, Informer, KubeClient, Reconciler, Result } from '@kedge/core';
import type { Logger } from 'pino';
import { claimObjects } from '../replicaset/claim.js';
import type { Expectations } from '../replicaset/expectations.js';
import { isPodAvailable, isPodReady, scaledValue } from '../replicaset/pod-utils.js';
import { nextAvailableInMs, sameJson } from '../replicaset/replicaset-status.js';
import { selectorMatches } from '../replicaset/selector.js';
import { computeTemplateHash } from '../deployment/template-hash.js';
import { REVISION_HASH_LABEL, daemonPodFor, targetNodeName } from './daemon-pod.js';
import { nodeShouldRunDaemonPod, type Placement } from './node-eligibility.js';

export interface DaemonSetReconcilerDeps {
  client: KubeClient;
  log: Logger;
  recorder: EventRecorder;
  now: () => number;
  daemonSets: Informer;
  pods: Informer;
  nodes: Informer;
  expectations: Expectations;
}

interface NodeState {
  node: KubeObject;
  placement: Placement;
  /** Active (not terminal, not deleting) daemon pods targeting the node, oldest first. */
  pods: KubeObject[];
  failed: KubeObject[];
}

const byAge = (a: KubeObject, b: KubeObject) =>
  String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) || String(a.metadata.name).localeCompare(String(b.metadata.name));

/** One daemon pod per eligible node (upstream pkg/controller/daemon). */
export class DaemonSetReconciler implements Reconciler {
  constructor(private readonly x: DaemonSetReconcilerDeps) {}

  async reconcile(key: string): Promise<Result | void> {
    const { x } = this;
    const ds = x.daemonSets.get(key);
    if (!ds) {
      x.expectations.forget(key);
      return;
    }
    const ns = ds.metadata.namespace;
    const satisfied = x.expectations.satisfied(key, (name) => {
      const p = x.pods.get(`${ns}/${name}`);
      return !p ? 'absent' : p.metadata.deletionTimestamp ? 'terminating' : 'present';
    });
    const owned = await claimObjects({
      client: x.client, log: x.log, owner: ds, ownerResource: R.daemonsets, resource: R.pods,
      candidates: x.pods.list(ns).filter((p) => !p.metadata.deletionTimestamp),
      matches: (p) => selectorMatches(ds.spec?.selector, p.metadata.labels),
    });
    const hash = computeTemplateHash(ds.spec?.template, ds.status?.collisionCount);
    const nodes = x.nodes.list();
    const states = this.nodeStates(ds, nodes, owned);

    if (satisfied && !ds.metadata.deletionTimestamp) {
      const wrote = await this.syncNodes(key, ds, states, owned, new Set(nodes.map((n) => String(n.metadata.name))));
      if (!wrote && (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') await this.rollingUpdate(key, ds, states, hash);
    }
    const now = x.now();
    const status = this.status(ds, states, hash, now);
    if (!sameJson(status, ds.status ?? {})) {
      try {
        await x.client.update(R.daemonsets, { ...structuredClone(ds), status }, { subresource: 'status' });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const waits = [
      nextAvailableInMs(states.flatMap((s) => s.pods), ds.spec?.minReadySeconds ?? 0, now),
      satisfied ? undefined : x.expectations.msUntilExpiry(key),
    ].filter((n): n is number => n !== undefined);
    return waits.length ? { requeueAfterMs: Math.min(...waits) } : undefined;
  }

  private nodeStates(ds: KubeObject, nodes: KubeObject[], owned: KubeObject[]): NodeState[] {
    return nodes.map((node) => {
      const mine = owned.filter((p) => targetNodeName(p) === node.metadata.name).sort(byAge);
      return {
        node,
        placement: nodeShouldRunDaemonPod(node, ds),
        pods: mine.filter((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded'),
        failed: mine.filter((p) => p.status?.phase === 'Failed'),
      };
    });
  }

  /** Upstream syncNodes/podsShouldBeOnNode: create missing pods, delete surplus, failed and misplaced ones. */
  private async syncNodes(key: string, ds: KubeObject, states: NodeState[], owned: KubeObject[], nodeNames: Set<string>): Promise<boolean> {
    const hash = computeTemplateHash(ds.spec?.template, ds.status?.collisionCount);
    const create: string[] = [];
    const remove: KubeObject[] = [];
    for (const s of states) {
      const name = String(s.node.metadata.name);
      if (s.placement.shouldContinueRunning) {
        remove.push(...s.failed);
        if (s.pods.length > 1) remove.push(...s.pods.slice(1));
        if (s.placement.shouldRun && s.pods.length === 0) create.push(name);
      } else {
        remove.push(...s.pods, ...s.failed);
      }
    }
    // Pods aimed at nodes that no longer exist would never be scheduled.
    for (const p of owned) {
      const target = targetNodeName(p);
      if (!target || !nodeNames.has(target)) remove.push(p);
    }
    if (create.length === 0 && remove.length === 0) return false;
    await Promise.all([this.createPods(key, ds, create, hash), this.deletePods(key, ds, remove)]);
    return true;
  }

  /**
   * RollingUpdate without surge: old-hash pods that are not available go at once; available ones
   * only while fewer than maxUnavailable nodes lack an available pod (upstream rollingUpdate).
   */
  private async rollingUpdate(key: string, ds: KubeObject, states: NodeState[], hash: string): Promise<void> {
    const now = this.x.now();
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const desired = states.filter((s) => s.placement.shouldRun);
    const maxUnavailable = scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable, desired.length, true, 1);
    let unavailable = desired.filter((s) => !s.pods[0] || !isPodAvailable(s.pods[0], minReady, now)).length;
    const remove: KubeObject[] = [];
    for (const s of desired) {
      const pod = s.pods[0];
      if (!pod || pod.metadata.labels?.[REVISION_HASH_LABEL] === hash) continue;
      if (!isPodAvailable(pod, minReady, now)) remove.push(pod);
      else if (unavailable < maxUnavailable) {
        remove.push(pod);
        unavailable++;
      }
    }
    await this.deletePods(key, ds, remove);
  }

  private async createPods(key: string, ds: KubeObject, nodes: string[], hash: string): Promise<void> {
    const results = await Promise.allSettled(nodes.map((n) => this.x.client.create(R.pods, daemonPodFor(ds, n, hash))));
    const created = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    this.x.expectations.expectCreations(key, created.map((p) => String(p.metadata.name)));
    for (const p of created) this.x.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${p.metadata.name}`);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      this.x.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(failed.reason as Error).message}`);
      throw failed.reason;
    }
  }

  private async deletePods(key: string, ds: KubeObject, pods: KubeObject[]): Promise<void> {
    const unique = [...new Map(pods.map((p) => [p.metadata.uid, p])).values()];
    this.x.expectations.expectDeletions(key, unique.map((p) => String(p.metadata.name)));
    const results = await Promise.allSettled(unique.map(async (p) => {
      try {
        await this.x.client.delete(R.pods, p.metadata.namespace, String(p.metadata.name), { preconditions: { uid: p.metadata.uid } });
        this.x.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
      } catch (err) {
        if (!isNotFound(err)) {
          this.x.expectations.deletionObserved(key, String(p.metadata.name));
          throw err;
        }
      }
    }));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Upstream updateDaemonSetStatus, counted per node over the oldest active daemon pod. */
  private status(ds: KubeObject, states: NodeState[], hash: string, now: number): Record<string, number | undefined> {
    const minReady = ds.spec?.minReadySeconds ?? 0;
    let desired = 0, current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
    for (const s of states) {
      if (s.placement.shouldRun) desired++;
      const pod = s.pods[0];
      if (!pod) continue;
      if (!s.placement.shouldRun) {
        misscheduled++;
        continue;
      }
      current++;
      if (isPodReady(pod)) ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
      if (pod.metadata.labels?.[REVISION_HASH_LABEL] === hash) updated++;
    }
    const status: Record<string, number | undefined> = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: updated,
      numberAvailable: available,
      numberUnavailable: desired - available,
    };
    if (ds.status?.collisionCount !== undefined) status.collisionCount = ds.status.collisionCount;
    return status;
  }
}
