import { R, findToleration, wellKnown, isNotFound, type KubeObject, type Taint } from '@kedge/api';
import type { EventRecorder, Informer, KubeClient, Reconciler, Result } from '@kedge/core';
import type { Logger } from 'pino';
import { isoSeconds } from '../replicaset/replicaset-status.js';

export interface NodeLifecycleOptions {
  gracePeriodMs: number;
  startupGracePeriodMs: number;
  monitorPeriodMs: number;
  evictEdgePods: boolean;
  defaultTolerationSeconds: number;
}

export interface NodeLifecycleDeps {
  client: KubeClient;
  recorder: EventRecorder;
  log: Logger;
  nodes: Informer;
  leases: Informer;
  pods: Informer;
  now: () => number;
}

interface Probe {
  renew?: string;
  heartbeat?: string;
  /** Controller-clock time the last heartbeat change was observed; node clocks are never compared. */
  seenAt: number;
  /** When the NoExecute taint was first observed, for tolerationSeconds. */
  taintedAt?: number;
}

const pressure = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
const cond = (o: KubeObject, type: string) => (o.status?.conditions ?? []).find((c: { type: string }) => c.type === type);

/** Marks silent nodes Unknown, taints them, marks their pods not ready and (by policy) evicts. */
export class NodeLifecycleReconciler implements Reconciler {
  private readonly probes = new Map<string, Probe>();

  constructor(private readonly d: NodeLifecycleDeps, private readonly o: NodeLifecycleOptions) {
    d.pods.addIndex('nodeName', (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  }

  async reconcile(name: string): Promise<Result | void> {
    const node = this.d.nodes.get(name);
    if (!node) {
      this.probes.delete(name);
      return;
    }
    const now = this.d.now();
    const ready = cond(node, 'Ready');
    const renew: string | undefined = this.d.leases.get(`${wellKnown.nodeLeaseNamespace}/${name}`)?.spec?.renewTime;
    const heartbeat: string | undefined = ready?.lastHeartbeatTime;
    let p = this.probes.get(name);
    if (!p) this.probes.set(name, (p = { renew, heartbeat, seenAt: now }));
    else if (p.renew !== renew || p.heartbeat !== heartbeat) Object.assign(p, { renew, heartbeat, seenAt: now });

    const grace = heartbeat || renew ? this.o.gracePeriodMs : this.o.startupGracePeriodMs;
    let status: string = ready?.status ?? 'Unknown';
    if (now - p.seenAt > grace && ready?.status !== 'Unknown') {
      await this.markUnknown(node, now);
      status = 'Unknown';
    }
    await this.syncTaints(node, status);
    if (status === 'True') {
      p.taintedAt = undefined;
      return { requeueAfterMs: this.o.monitorPeriodMs };
    }
    p.taintedAt ??= now;
    const next = await this.evict(node, status, now - p.taintedAt);
    return { requeueAfterMs: Math.min(this.o.monitorPeriodMs, next ?? Infinity) };
  }

  private async markUnknown(node: KubeObject, now: number): Promise<void> {
    const name = node.metadata.name!;
    const conds: Array<Record<string, unknown>> = structuredClone(node.status?.conditions ?? []);
    for (const type of pressure) {
      const c = conds.find((x) => x.type === type);
      const next = { type, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: isoSeconds(now) };
      if (c) Object.assign(c, next, { lastHeartbeatTime: c.lastHeartbeatTime });
      else conds.push({ ...next, reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
    }
    await this.d.client.patch(R.nodes, undefined, name, 'merge', { status: { conditions: conds } }, { subresource: 'status' });
    this.d.log.info({ node: name }, 'node stopped posting status');
    this.d.recorder.event({ ...node, kind: 'Node', apiVersion: 'v1' }, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    for (const pod of this.d.pods.byIndex('nodeName', name)) {
      const pc: Array<Record<string, unknown>> = structuredClone(pod.status?.conditions ?? []);
      const r = pc.find((c) => c.type === 'Ready');
      if (r?.status === 'False') continue;
      // Upstream (MarkPodsNotReady) flips only the Ready condition.
      if (r) Object.assign(r, { status: 'False', lastTransitionTime: isoSeconds(now) });
      else pc.push({ type: 'Ready', status: 'False', lastTransitionTime: isoSeconds(now) });
      await this.d.client.patch(R.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', { status: { conditions: pc } }, { subresource: 'status' }).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
    }
  }

  private async syncTaints(node: KubeObject, status: string): Promise<void> {
    const ours: string[] = [wellKnown.taintUnreachable, wellKnown.taintNotReady];
    const cur: Taint[] = node.spec?.taints ?? [];
    const key = status === 'Unknown' ? wellKnown.taintUnreachable : status === 'False' ? wellKnown.taintNotReady : undefined;
    const want: Taint[] = cur.filter((t) => !ours.includes(t.key) || (t.key === key && (t.effect === 'NoSchedule' || t.effect === 'NoExecute')));
    if (key) {
      for (const effect of ['NoSchedule', 'NoExecute'] as const) {
        if (!want.some((t) => t.key === key && t.effect === effect)) want.push({ key, effect, ...(effect === 'NoExecute' ? { timeAdded: isoSeconds(this.d.now()) } : {}) });
      }
    }
    if (JSON.stringify(want) === JSON.stringify(cur)) return;
    const next = structuredClone(node) as KubeObject;
    next.spec = { ...next.spec, taints: want.length ? want : undefined };
    // Conditional PUT: a concurrent status write makes this conflict and the key is retried.
    await this.d.client.update(R.nodes, next);
  }

  /** Deletes pods whose toleration ran out; returns ms until the next one is due. */
  private async evict(node: KubeObject, status: string, taintedForMs: number): Promise<number | undefined> {
    const name = node.metadata.name!;
    if (node.metadata.labels?.[wellKnown.edgeRoleLabel] !== undefined && !this.o.evictEdgePods) return undefined;
    const taint: Taint = { key: status === 'Unknown' ? wellKnown.taintUnreachable : wellKnown.taintNotReady, effect: 'NoExecute' };
    let next: number | undefined;
    for (const pod of this.d.pods.byIndex('nodeName', name)) {
      if (pod.metadata.deletionTimestamp) continue;
      const tol = findToleration(pod.spec?.tolerations, taint);
      // No matching toleration: DefaultTolerationSeconds admission would have added one of 300 s.
      const limitS = tol ? tol.tolerationSeconds : this.o.defaultTolerationSeconds;
      if (limitS === undefined) continue;
      const left = Math.max(0, limitS) * 1000 - taintedForMs;
      if (left > 0) {
        next = Math.min(next ?? Infinity, left);
        continue;
      }
      this.d.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
      await this.d.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } }).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
      this.d.log.info({ node: name, pod: `${pod.metadata.namespace}/${pod.metadata.name}` }, 'pod evicted');
    }
    return next;
  }
}
