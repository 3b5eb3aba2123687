import type { KubeObject } from '@kedge/api';

export interface Taint { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string }
export interface Toleration { key?: string; operator?: 'Exists' | 'Equal'; value?: string; effect?: string; tolerationSeconds?: number }
interface NodeSelectorRequirement { key: string; operator: string; values?: string[] }
interface NodeSelectorTerm { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }

/** Upstream Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.operator === 'Exists') return !t.key || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && vals.includes(value);
    case 'NotIn': return value === undefined || !vals.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': return value !== undefined && vals.length === 1 && Number.parseInt(value, 10) > Number.parseInt(vals[0]!, 10);
    case 'Lt': return value !== undefined && vals.length === 1 && Number.parseInt(value, 10) < Number.parseInt(vals[0]!, 10);
    default: return false;
  }
}

/** A NodeSelectorTerm: its requirements are ANDed; an empty term matches nothing (upstream). */
function termMatches(term: NodeSelectorTerm, node: KubeObject): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  const fieldValue = (key: string) => (key === 'metadata.name' ? String(node.metadata.name) : undefined);
  return exprs.every((r) => requirementMatches(r, labels[r.key])) && fields.every((r) => requirementMatches(r, fieldValue(r.key)));
}

/** `spec.nodeSelector` and required node affinity (terms ORed) both admit the node. */
export function nodeMatchesPodSpec(podSpec: any, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((podSpec?.nodeSelector ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  const terms: NodeSelectorTerm[] | undefined = podSpec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && !terms.some((t) => termMatches(t, node))) return false;
  return true;
}

/** Tolerations upstream adds to every DaemonSet pod (AddOrUpdateDaemonPodTolerations). */
export function daemonTolerations(podSpec: any): Toleration[] {
  const auto: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (podSpec?.hostNetwork) auto.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const own: Toleration[] = structuredClone(podSpec?.tolerations ?? []);
  // An auto toleration replaces a user one for the same key and effect, as upstream's AddOrUpdate does.
  const kept = own.filter((t) => !auto.some((a) => a.key === t.key && a.effect === t.effect));
  return [...kept, ...auto];
}

export interface Placement {
  /** A daemon pod should be created here. */
  shouldRun: boolean;
  /** An existing daemon pod may stay here. */
  shouldContinueRunning: boolean;
}

/**
 * Upstream NodeShouldRunDaemonPod: the node must match nodeName/nodeSelector/required affinity; an
 * untolerated NoExecute taint evicts, an untolerated NoSchedule taint only blocks new pods.
 */
export function nodeShouldRunDaemonPod(node: KubeObject, ds: KubeObject): Placement {
  const spec = ds.spec?.template?.spec ?? {};
  const no: Placement = { shouldRun: false, shouldContinueRunning: false };
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return no;
  if (!nodeMatchesPodSpec(spec, node)) return no;
  const tolerations = daemonTolerations(spec);
  const taints: Taint[] = node.spec?.taints ?? [];
  const untolerated = taints.filter((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerations.some((tol) => tolerates(tol, t)));
  if (untolerated.some((t) => t.effect === 'NoExecute')) return no;
  if (untolerated.length > 0) return { shouldRun: false, shouldContinueRunning: true };
  return { shouldRun: true, shouldContinueRunning: true };
}
