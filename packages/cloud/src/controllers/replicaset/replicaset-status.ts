import { kubeTime, type KubeObject } from '@kedge/api';
import { isPodAvailable, isPodReady, msUntilAvailable } from './pod-utils.js';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

/** Metav1.Time: RFC 3339 with seconds only. */
export function isoSeconds(ms: number): string {
  return kubeTime(ms);
}

export interface ManageFailure {
  reason: 'FailedCreate' | 'FailedDelete';
  message: string;
}

/**
 * Status of a ReplicaSet from its active owned pods (upstream calculateStatus). The ReplicaFailure
 * condition is added on a failed create/delete and dropped once a sync succeeds.
 */
export function computeReplicaSetStatus(rs: KubeObject, pods: KubeObject[], failure: ManageFailure | undefined, now: number): ReplicaSetStatus {
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const templateLabels: Record<string, string> = rs.spec?.template?.metadata?.labels ?? {};
  const fullyLabeled = pods.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v));
  const status: ReplicaSetStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled.length,
    readyReplicas: pods.filter(isPodReady).length,
    availableReplicas: pods.filter((p) => isPodAvailable(p, minReady, now)).length,
    observedGeneration: rs.metadata.generation,
  };
  const previous: Condition[] = (rs.status?.conditions ?? []).filter((c: Condition) => c.type !== 'ReplicaFailure');
  const oldFailure: Condition | undefined = (rs.status?.conditions ?? []).find((c: Condition) => c.type === 'ReplicaFailure');
  const conditions = [...previous];
  if (failure) {
    conditions.push(oldFailure ?? { type: 'ReplicaFailure', status: 'True', reason: failure.reason, message: failure.message, lastTransitionTime: isoSeconds(now) });
  }
  if (conditions.length > 0) status.conditions = conditions;
  return status;
}

/** Ms until the next ready pod becomes available, so status can be refreshed then; undefined if none is waiting. */
export function nextAvailableInMs(pods: KubeObject[], minReadySeconds: number, now: number): number | undefined {
  let min: number | undefined;
  for (const p of pods) {
    const ms = msUntilAvailable(p, minReadySeconds, now);
    if (ms !== undefined && ms > 0 && (min === undefined || ms < min)) min = ms;
  }
  return min;
}

/** Same content ignoring key order, so unchanged status is not rewritten. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON with object keys sorted and undefined dropped: stable input for hashing and comparing. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}
