import type { KubeObject } from '@kedge/api';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Equal' | 'Exists';
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** v1 Toleration.ToleratesTaint: empty effect matches all; empty key with Exists matches every key. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

export function findToleration(tolerations: Toleration[] | undefined, taint: Taint): Toleration | undefined {
  return (tolerations ?? []).find((t) => toleratesTaint(t, taint));
}

/** First NoSchedule/NoExecute taint the pod does not tolerate. */
export function untoleratedTaint(pod: KubeObject, node: KubeObject): Taint | undefined {
  const taints: Taint[] = node.spec?.taints ?? [];
  return taints.find((x) => (x.effect === 'NoSchedule' || x.effect === 'NoExecute') && !findToleration(pod.spec?.tolerations, x));
}

interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

function matchRequirement(r: Requirement, get: (k: string) => string | undefined): boolean {
  const v = get(r.key);
  switch (r.operator) {
    case 'In': return v !== undefined && (r.values ?? []).includes(v);
    case 'NotIn': return v === undefined || !(r.values ?? []).includes(v);
    case 'Exists': return v !== undefined;
    case 'DoesNotExist': return v === undefined;
    case 'Gt':
    case 'Lt': {
      if (v === undefined || !/^-?\d+$/.test(v) || (r.values ?? []).length !== 1) return false;
      const a = Number(v);
      const b = Number(r.values![0]);
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default: return false;
  }
}

/** nodeSelector plus requiredDuringSchedulingIgnoredDuringExecution (OR of terms, each an AND). */
export function matchesNodeSelectorAndAffinity(pod: KubeObject, node: KubeObject): boolean {
  const labels: Record<string, string> = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((pod.spec?.nodeSelector ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  const terms: Array<{ matchExpressions?: Requirement[]; matchFields?: Requirement[] }> | undefined =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms) return true;
  const fields = (k: string) => (k === 'metadata.name' ? node.metadata.name : undefined);
  return terms.some((t) => {
    // An empty term matches nothing (upstream nodeaffinity).
    if (!(t.matchExpressions?.length) && !(t.matchFields?.length)) return false;
    return (t.matchExpressions ?? []).every((r) => matchRequirement(r, (k) => labels[k])) && (t.matchFields ?? []).every((r) => matchRequirement(r, fields));
  });
}

export function nodeReady(node: KubeObject): boolean {
  return (node.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
}
