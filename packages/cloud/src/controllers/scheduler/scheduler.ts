import { R, findToleration, kubeTime, nodeMatchesSelectorAndAffinity, objectKey, splitKey, untoleratedTaints, wellKnown, type KubeObject, type Taint } from '@kedge/api';
import type { EventRecorder, Informer, KubeClient, Reconciler, Result } from '@kedge/core';
import type { Logger } from 'pino';
import { isPodActive, isPodTerminal } from '../replicaset/pod-utils.js';
import { nodeAllocatable, podRequests, type Resources } from './resources.js';

export interface SchedulerDeps {
  client: KubeClient;
  recorder: EventRecorder;
  log: Logger;
  pods: Informer;
  nodes: Informer;
  /** How often an unschedulable pod is retried even without node changes. */
  retryMs?: number;
}

export const schedulerName = 'default-scheduler';

export function needsScheduling(pod: KubeObject): boolean {
  const s = pod.spec ?? {};
  return !s.nodeName && (!s.schedulerName || s.schedulerName === schedulerName) && isPodActive(pod);
}

const nodeReady = (node: KubeObject) => (node.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
// Upstream NodeUnschedulable plugin: spec.unschedulable acts as this taint; TaintToleration filters these effects.
const unschedulableTaint: Taint = { key: wellKnown.taintUnschedulable, effect: 'NoSchedule' };
const filteredEffects = ['NoSchedule', 'NoExecute'];

/** Filters and scores nodes for one pod, assumes it onto the chosen one, then binds through pods/binding. */
export class SchedulerReconciler implements Reconciler {
  /** Pods bound by us that the informer has not shown bound yet: their requests count on the node. */
  private readonly assumed = new Map<string, { node: string; req: Resources }>();

  constructor(private readonly d: SchedulerDeps) {
    d.pods.addIndex('nodeName', (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  }

  async reconcile(key: string): Promise<Result | void> {
    const pod = this.d.pods.get(key);
    if (!pod || !needsScheduling(pod)) {
      this.assumed.delete(key);
      return;
    }
    if (this.assumed.has(key)) return;
    const nodes = this.d.nodes.list();
    const reasons = new Map<string, number>();
    const note = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
    const req = podRequests(pod);
    const fits: Array<{ node: KubeObject; score: number; pods: number }> = [];
    for (const node of nodes) {
      const why = this.filter(pod, node, req);
      if (why.length) {
        why.forEach(note);
        continue;
      }
      const used = this.used(node.metadata.name!);
      const alloc = nodeAllocatable(node);
      const free = (r: keyof Resources) => (alloc[r] === Infinity ? 1 : (alloc[r] - used[r] - req[r]) / alloc[r]);
      fits.push({ node, score: (free('cpu') + free('memory')) / 2, pods: used.pods });
    }
    if (fits.length === 0) return this.unschedulable(pod, nodes.length, reasons);
    // Least allocated first; ties go to the node with fewest pods (spread), then by name for stability.
    fits.sort((a, b) => b.score - a.score || a.pods - b.pods || a.node.metadata.name!.localeCompare(b.node.metadata.name!));
    const target = fits[0]!.node.metadata.name!;
    const { namespace, name } = splitKey(key);
    // Assumed before the binding request (as kube-scheduler does), with no await in between: another worker's
    // decision made while this binding is in flight already counts this pod on the node.
    this.assumed.set(key, { node: target, req });
    try {
      await this.d.client.create(
        R.pods,
        { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid: pod.metadata.uid }, target: { apiVersion: 'v1', kind: 'Node', name: target } },
        { subresource: 'binding' },
      );
    } catch (err) {
      this.assumed.delete(key);
      throw err;
    }
    this.d.log.debug({ pod: key, node: target }, 'pod bound');
    this.d.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${key} to ${target}`);
  }

  private filter(pod: KubeObject, node: KubeObject, req: Resources): string[] {
    if (node.spec?.unschedulable && !findToleration(pod.spec?.tolerations, unschedulableTaint)) return ['node(s) were unschedulable'];
    if (!nodeMatchesSelectorAndAffinity(pod.spec, node)) return ["node(s) didn't match Pod's node affinity/selector"];
    const taint = untoleratedTaints(pod.spec?.tolerations, node.spec?.taints, filteredEffects)[0];
    if (taint) return [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`];
    if (!nodeReady(node)) return ['node(s) were not ready'];
    const used = this.used(node.metadata.name!);
    const alloc = nodeAllocatable(node);
    const out: string[] = [];
    if (used.pods + 1 > alloc.pods) out.push('Too many pods');
    if (req.cpu > 0 && used.cpu + req.cpu > alloc.cpu) out.push('Insufficient cpu');
    if (req.memory > 0 && used.memory + req.memory > alloc.memory) out.push('Insufficient memory');
    return out;
  }

  private used(node: string): Resources {
    const sum: Resources = { cpu: 0, memory: 0, pods: 0 };
    const add = (r: Resources) => {
      sum.cpu += r.cpu;
      sum.memory += r.memory;
      sum.pods += r.pods;
    };
    const seen = new Set<string>();
    for (const p of this.d.pods.byIndex('nodeName', node)) {
      if (isPodTerminal(p)) continue;
      seen.add(objectKey(p));
      add(podRequests(p));
    }
    for (const [k, a] of this.assumed) {
      if (a.node !== node || seen.has(k)) continue;
      const cached = this.d.pods.get(k);
      if (!cached || cached.spec?.nodeName) this.assumed.delete(k);
      else add(a.req);
    }
    return sum;
  }

  private async unschedulable(pod: KubeObject, total: number, reasons: Map<string, number>): Promise<Result> {
    const parts = [...reasons].map(([r, n]) => `${n} ${r}`).sort();
    const message = total === 0 ? 'no nodes available to schedule pods' : `0/${total} nodes are available: ${parts.join(', ')}.`;
    const conds: Array<Record<string, unknown>> = pod.status?.conditions ?? [];
    const cur = conds.find((c) => c.type === 'PodScheduled');
    if (!cur || cur.status !== 'False' || cur.reason !== 'Unschedulable' || cur.message !== message) {
      const next = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: cur?.status === 'False' ? cur.lastTransitionTime : kubeTime() };
      const conditions = [...conds.filter((c) => c.type !== 'PodScheduled'), next];
      await this.d.client.patch(R.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', { status: { conditions } }, { subresource: 'status' });
      this.d.recorder.event(pod, 'Warning', 'FailedScheduling', message);
    }
    return { requeueAfterMs: this.d.retryMs ?? 30_000 };
  }
}
