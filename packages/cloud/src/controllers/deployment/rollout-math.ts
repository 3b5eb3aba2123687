import { scaledValue } from '../replicaset/pod-utils.js';

/** The numbers of a Deployment the rollout math needs, defaults applied. */
export interface DeploymentShape {
  replicas: number;
  strategy: 'RollingUpdate' | 'Recreate';
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  /** Sum of status.replicas last observed; fallback for RSs without a max-replicas annotation. */
  statusReplicas: number;
}

/** The numbers of one ReplicaSet the rollout math needs. */
export interface RsShape {
  name: string;
  /** spec.replicas */
  replicas: number;
  /** status.availableReplicas */
  available: number;
  /** creationTimestamp in ms (ties broken by name). */
  created: number;
  /** deployment.kubernetes.io/max-replicas, when set. */
  maxReplicasAnnotation?: number;
}

/**
 * maxSurge (rounded up) and maxUnavailable (rounded down) as absolute numbers (upstream
 * ResolveFenceposts). When both resolve to 0, maxUnavailable becomes 1 so a rollout can progress.
 */
export function resolveFenceposts(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, desired, true, '25%');
  let unavailable = scaledValue(maxUnavailable, desired, false, '25%');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxUnavailable(d: DeploymentShape): number {
  if (d.strategy !== 'RollingUpdate' || d.replicas === 0) return 0;
  const { unavailable } = resolveFenceposts(d.maxSurge, d.maxUnavailable, d.replicas);
  return Math.min(unavailable, d.replicas);
}

export function maxSurge(d: DeploymentShape): number {
  if (d.strategy !== 'RollingUpdate') return 0;
  return resolveFenceposts(d.maxSurge, d.maxUnavailable, d.replicas).surge;
}

const sum = (rss: RsShape[], f: (r: RsShape) => number) => rss.reduce((n, r) => n + f(r), 0);
const oldestFirst = (a: RsShape, b: RsShape) => a.created - b.created || a.name.localeCompare(b.name);

/** Target size of the new RS in this step (upstream NewRSNewReplicas). */
export function newRsReplicas(d: DeploymentShape, all: RsShape[], newRs: RsShape): number {
  if (d.strategy === 'Recreate') return d.replicas;
  const maxTotal = d.replicas + maxSurge(d);
  const current = sum(all, (r) => r.replicas);
  if (current >= maxTotal) return newRs.replicas;
  const up = Math.min(maxTotal - current, Math.max(0, d.replicas - newRs.replicas));
  return newRs.replicas + up;
}

/**
 * How far to scale old RSs down in one rolling-update step (upstream reconcileOldReplicaSets): first
 * unhealthy replicas within the budget, then available ones while availability stays above
 * replicas - maxUnavailable. Returns the new spec.replicas per changed old RS.
 */
export function planOldScaleDown(d: DeploymentShape, oldRss: RsShape[], newRs: RsShape | undefined): Map<string, number> {
  const plan = new Map<string, number>();
  if (sum(oldRss, (r) => r.replicas) === 0) return plan;
  const all = newRs ? [...oldRss, newRs] : oldRss;
  const minAvailable = d.replicas - maxUnavailable(d);
  const newUnavailable = newRs ? newRs.replicas - newRs.available : 0;
  let maxScaledDown = sum(all, (r) => r.replicas) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return plan;

  const sorted = [...oldRss].sort(oldestFirst);
  const size = (r: RsShape) => plan.get(r.name) ?? r.replicas;
  let cleaned = 0;
  for (const rs of sorted) {
    if (cleaned >= maxScaledDown) break;
    if (rs.replicas === 0) continue;
    const unhealthy = rs.replicas - rs.available;
    if (unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown - cleaned, unhealthy);
    plan.set(rs.name, rs.replicas - down);
    cleaned += down;
  }
  maxScaledDown -= cleaned;

  // Upstream scaleDownOldReplicaSetsForRollingUpdate: limited by availability, not by maxScaledDown.
  const available = sum(all, (r) => r.available);
  if (available <= minAvailable) return plan;
  const total = available - minAvailable;
  let scaled = 0;
  for (const rs of sorted) {
    if (scaled >= total) break;
    const cur = size(rs);
    if (cur === 0) continue;
    const down = Math.min(cur, total - scaled);
    plan.set(rs.name, cur - down);
    scaled += down;
  }
  return plan;
}

/**
 * Proportional scaling while more than one RS is active (upstream DeploymentController.scale): the
 * difference between the allowed total (replicas + maxSurge) and the current total is spread over
 * the RSs in proportion to their size as annotated at their last scale, leftovers going to the
 * largest (newest on ties when growing, oldest when shrinking).
 */
export function planProportionalScale(d: DeploymentShape, active: RsShape[]): Map<string, number> {
  const plan = new Map<string, number>();
  const allowed = d.replicas > 0 ? d.replicas + maxSurge(d) : 0;
  const toAdd = allowed - sum(active, (r) => r.replicas);
  if (toAdd === 0) return plan;
  const sorted = [...active].sort((a, b) => b.replicas - a.replicas || (toAdd > 0 ? b.created - a.created : a.created - b.created) || a.name.localeCompare(b.name));
  let added = 0;
  for (const rs of sorted) {
    let proportion = 0;
    if (rs.replicas !== 0 && added !== toAdd) {
      const fraction = replicaSetFraction(rs, d);
      const left = toAdd - added;
      proportion = toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
    }
    plan.set(rs.name, rs.replicas + proportion);
    added += proportion;
  }
  const first = sorted[0];
  if (first && added !== toAdd) plan.set(first.name, Math.max(0, plan.get(first.name)! + toAdd - added));
  for (const rs of active) if (plan.get(rs.name) === rs.replicas) plan.delete(rs.name);
  return plan;
}

function replicaSetFraction(rs: RsShape, d: DeploymentShape): number {
  if (d.replicas === 0) return -rs.replicas;
  const target = d.replicas + maxSurge(d);
  const annotated = rs.maxReplicasAnnotation ?? d.statusReplicas;
  if (!annotated) return 0;
  return Math.round((rs.replicas * target) / annotated) - rs.replicas;
}
