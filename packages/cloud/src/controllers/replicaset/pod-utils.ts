import type { KubeObject } from '@kedge/api';

/** Pod states the workload controllers read; upstream pkg/api/v1/pod and pkg/controller helpers. */

export function isPodTerminal(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Counts towards replicas: not finished and not being deleted (upstream FilterActivePods). */
export function isPodActive(pod: KubeObject): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
}

function readyCondition(pod: KubeObject): { status?: string; lastTransitionTime?: string } | undefined {
  const conds = pod.status?.conditions;
  return Array.isArray(conds) ? conds.find((c: { type?: string }) => c?.type === 'Ready') : undefined;
}

export function isPodReady(pod: KubeObject): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** When the pod became Ready, in ms since epoch; undefined when not ready or unknown. */
export function podReadySince(pod: KubeObject): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

/** Ready for at least minReadySeconds (upstream IsPodAvailable). */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = podReadySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 <= now;
}

/** Ms until a ready pod becomes available, 0 when it already is, undefined when it is not ready. */
export function msUntilAvailable(pod: KubeObject, minReadySeconds: number, now: number): number | undefined {
  if (!isPodReady(pod)) return undefined;
  const since = podReadySince(pod);
  if (!minReadySeconds || since === undefined) return 0;
  return Math.max(0, since + minReadySeconds * 1000 - now);
}

function restartCount(pod: KubeObject): number {
  const statuses = pod.status?.containerStatuses;
  if (!Array.isArray(statuses)) return 0;
  return statuses.reduce((max: number, s: { restartCount?: number }) => Math.max(max, s?.restartCount ?? 0), 0);
}

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function creationMs(pod: KubeObject): number | undefined {
  const t = pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Orders pods so that the ones to delete first come first (upstream controller.ActivePods Less):
 * unassigned < assigned; Pending < Unknown < Running; not ready < ready; ready for a shorter time
 * first; more container restarts first; newer (or no creation time) first.
 */
export function comparePodsForDeletion(a: KubeObject, b: KubeObject): number {
  const aAssigned = a.spec?.nodeName ? 1 : 0;
  const bAssigned = b.spec?.nodeName ? 1 : 0;
  if (aAssigned !== bAssigned) return aAssigned - bAssigned;
  const aPhase = phaseRank[a.status?.phase ?? 'Pending'] ?? 0;
  const bPhase = phaseRank[b.status?.phase ?? 'Pending'] ?? 0;
  if (aPhase !== bPhase) return aPhase - bPhase;
  const aReady = isPodReady(a) ? 1 : 0;
  const bReady = isPodReady(b) ? 1 : 0;
  if (aReady !== bReady) return aReady - bReady;
  if (aReady && bReady) {
    const aSince = podReadySince(a);
    const bSince = podReadySince(b);
    // Ready more recently = ready for a shorter time = deleted first.
    if (aSince !== undefined && bSince !== undefined && aSince !== bSince) return bSince - aSince;
  }
  const aRestarts = restartCount(a);
  const bRestarts = restartCount(b);
  if (aRestarts !== bRestarts) return bRestarts - aRestarts;
  const aCreated = creationMs(a);
  const bCreated = creationMs(b);
  if (aCreated === undefined && bCreated !== undefined) return -1;
  if (bCreated === undefined && aCreated !== undefined) return 1;
  if (aCreated !== undefined && bCreated !== undefined && aCreated !== bCreated) return bCreated - aCreated;
  return String(a.metadata.name).localeCompare(String(b.metadata.name));
}

/** The `n` pods to delete first. */
export function podsToDelete(pods: KubeObject[], n: number): KubeObject[] {
  return [...pods].sort(comparePodsForDeletion).slice(0, Math.max(0, n));
}

/** Value of an int-or-percent field scaled against `total` (upstream intstr.GetScaledValueFromIntOrPercent). */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean, fallback: number | string): number {
  const value = v ?? fallback;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) {
    const n = Number(value);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid int-or-percent value ${JSON.stringify(value)}`);
  }
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
