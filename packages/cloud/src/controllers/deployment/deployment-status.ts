import type { KubeObject } from '@kedge/api';
import { isoSeconds, type Condition } from '../replicaset/replicaset-status.js';

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas: number;
  collisionCount?: number;
  conditions?: Condition[];
}

// Upstream condition reasons (pkg/controller/deployment/util).
export const Reason = {
  NewRSCreated: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  RSUpdated: 'ReplicaSetUpdated',
  NewRSAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  FailedRSCreate: 'ReplicaSetCreateError',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

export function getCondition(conds: Condition[] | undefined, type: string): Condition | undefined {
  return conds?.find((c) => c.type === type);
}

/**
 * Upstream SetDeploymentCondition: an identical status+reason is left alone (keeping its times);
 * the transition time survives a reason change with the same status.
 */
export function setCondition(conds: Condition[], next: Omit<Condition, 'lastTransitionTime' | 'lastUpdateTime'>, now: number): Condition[] {
  const cur = getCondition(conds, next.type);
  if (cur && cur.status === next.status && cur.reason === next.reason) return conds;
  const t = isoSeconds(now);
  const c: Condition = { ...next, lastUpdateTime: t, lastTransitionTime: cur && cur.status === next.status ? cur.lastTransitionTime ?? t : t };
  return replaceCondition(conds, c);
}

/** Replaces the condition of the same type in place (stable order for `kubectl describe`), or appends. */
export function replaceCondition(conds: Condition[], c: Condition): Condition[] {
  return conds.some((x) => x.type === c.type) ? conds.map((x) => (x.type === c.type ? c : x)) : [...conds, c];
}

export function removeCondition(conds: Condition[], type: string): Condition[] {
  return conds.filter((c) => c.type !== type);
}

const sum = (rss: KubeObject[], f: (r: KubeObject) => number | undefined) => rss.reduce((n, r) => n + (f(r) ?? 0), 0);

/** Upstream calculateStatus: counts from the RSs' statuses, plus the Available condition. */
export function calculateStatus(d: KubeObject, all: KubeObject[], newRs: KubeObject | undefined, maxUnavailable: number, now: number): DeploymentStatus {
  const available = sum(all, (r) => r.status?.availableReplicas);
  const specTotal = sum(all, (r) => r.spec?.replicas);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: sum(all, (r) => r.status?.replicas),
    updatedReplicas: newRs ? newRs.status?.replicas ?? 0 : 0,
    readyReplicas: sum(all, (r) => r.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specTotal - available),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  let conds: Condition[] = structuredClone(d.status?.conditions ?? []);
  const desired = d.spec?.replicas ?? 1;
  conds = available >= desired - maxUnavailable
    ? setCondition(conds, { type: 'Available', status: 'True', reason: Reason.MinimumReplicasAvailable, message: 'Deployment has minimum availability.' }, now)
    : setCondition(conds, { type: 'Available', status: 'False', reason: Reason.MinimumReplicasUnavailable, message: 'Deployment does not have minimum availability.' }, now);
  status.conditions = conds;
  return status;
}

/** Upstream DeploymentComplete: every replica updated and available, and the latest spec observed. */
export function deploymentComplete(d: KubeObject, s: DeploymentStatus): boolean {
  const desired = d.spec?.replicas ?? 1;
  return s.updatedReplicas === desired && s.replicas === desired && s.availableReplicas === desired && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** Upstream DeploymentProgressing: any movement towards the new revision since the last status. */
export function deploymentProgressing(d: KubeObject, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = s.replicas - s.updatedReplicas;
  return s.updatedReplicas > (old.updatedReplicas ?? 0) || newOld < oldOld || s.readyReplicas > (old.readyReplicas ?? 0) || s.availableReplicas > (old.availableReplicas ?? 0);
}

/** Upstream DeploymentTimedOut: no progress for progressDeadlineSeconds since the last Progressing update. */
export function deploymentTimedOut(d: KubeObject, s: DeploymentStatus, now: number): boolean {
  const deadline = d.spec?.progressDeadlineSeconds ?? 600;
  const c = getCondition(s.conditions, 'Progressing');
  if (!c) return false;
  if (c.reason === Reason.NewRSAvailable) return false;
  if (c.reason === Reason.TimedOut) return true;
  const from = Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? '');
  return !Number.isNaN(from) && from + deadline * 1000 < now;
}

/** Upstream "requeueStuckDeployment": when to look again so a stuck rollout times out on time. */
export function msUntilDeadline(d: KubeObject, s: DeploymentStatus, now: number): number | undefined {
  const c = getCondition(s.conditions, 'Progressing');
  if (!c || c.reason === Reason.NewRSAvailable || c.reason === Reason.TimedOut || deploymentComplete(d, s)) return undefined;
  const from = Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? '');
  if (Number.isNaN(from)) return undefined;
  return Math.max(0, from + (d.spec?.progressDeadlineSeconds ?? 600) * 1000 - now) + 1000;
}

/**
 * Upstream syncRolloutStatus condition logic: Progressing becomes NewReplicaSetAvailable when the
 * rollout completes, ReplicaSetUpdated on progress, ProgressDeadlineExceeded once stuck too long.
 * A ReplicaFailure on any RS is mirrored onto the Deployment.
 */
export function rolloutConditions(d: KubeObject, s: DeploymentStatus, newRs: KubeObject | undefined, all: KubeObject[], now: number): DeploymentStatus {
  let conds = s.conditions ?? [];
  const cur = getCondition(conds, 'Progressing');
  const complete = s.replicas === s.updatedReplicas && cur?.reason === Reason.NewRSAvailable;
  const rsName = newRs?.metadata.name;
  if (!d.spec?.paused && !complete && rsName) {
    if (deploymentComplete(d, s)) {
      conds = setCondition(conds, { type: 'Progressing', status: 'True', reason: Reason.NewRSAvailable, message: `ReplicaSet "${rsName}" has successfully progressed.` }, now);
    } else if (deploymentProgressing(d, s)) {
      const msg = `ReplicaSet "${rsName}" is progressing.`;
      // A progress update refreshes lastUpdateTime even with an unchanged reason: it restarts the deadline.
      const t = isoSeconds(now);
      conds = replaceCondition(conds, {
        type: 'Progressing', status: 'True', reason: Reason.RSUpdated, message: msg, lastUpdateTime: t,
        lastTransitionTime: cur?.status === 'True' ? cur.lastTransitionTime ?? t : t,
      });
    } else if (deploymentTimedOut(d, { ...s, conditions: conds }, now)) {
      conds = setCondition(conds, { type: 'Progressing', status: 'False', reason: Reason.TimedOut, message: `ReplicaSet "${rsName}" has timed out progressing.` }, now);
    }
  }
  const failure = all.flatMap((r) => (r.status?.conditions ?? []).filter((c: Condition) => c.type === 'ReplicaFailure' && c.status === 'True'))[0] as Condition | undefined;
  conds = failure
    ? setCondition(conds, { type: 'ReplicaFailure', status: failure.status, reason: failure.reason ?? 'FailedCreate', message: failure.message ?? '' }, now)
    : removeCondition(conds, 'ReplicaFailure');
  return { ...s, conditions: conds };
}
