import { R, wellKnown, type KubeObject } from '@kedge/api';
import { ownerRefTo } from '../replicaset/claim.js';
import type { DeploymentShape, RsShape } from './rollout-math.js';
import { maxSurge } from './rollout-math.js';
import { computeTemplateHash, equalIgnoreHash } from './template-hash.js';

export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const REVISION = wellKnown.revisionAnnotation;
const HASH = wellKnown.podTemplateHashLabel;

// Deployment annotations upstream does not copy onto its ReplicaSets.
const NOT_COPIED = new Set([wellKnown.lastAppliedAnnotation, REVISION, 'deployment.kubernetes.io/revision-history', DESIRED_REPLICAS, MAX_REPLICAS, 'deprecated.deployment.rollback.to']);

export function deploymentShape(d: KubeObject): DeploymentShape {
  const strategy = d.spec?.strategy?.type === 'Recreate' ? 'Recreate' : 'RollingUpdate';
  return {
    replicas: d.spec?.replicas ?? 1,
    strategy,
    maxSurge: d.spec?.strategy?.rollingUpdate?.maxSurge,
    maxUnavailable: d.spec?.strategy?.rollingUpdate?.maxUnavailable,
    statusReplicas: d.status?.replicas ?? 0,
  };
}

const intAnnotation = (o: KubeObject, k: string): number | undefined => {
  const v = o.metadata.annotations?.[k];
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) ? n : undefined;
};

export function rsShape(rs: KubeObject): RsShape {
  const created = Date.parse(rs.metadata.creationTimestamp ?? '');
  return {
    name: String(rs.metadata.name),
    replicas: rs.spec?.replicas ?? 1,
    available: rs.status?.availableReplicas ?? 0,
    created: Number.isNaN(created) ? 0 : created,
    maxReplicasAnnotation: intAnnotation(rs, MAX_REPLICAS),
  };
}

export const revisionOf = (rs: KubeObject): number => intAnnotation(rs, REVISION) ?? 0;
export const desiredReplicasOf = (rs: KubeObject): number | undefined => intAnnotation(rs, DESIRED_REPLICAS);
export const maxRevision = (rss: KubeObject[]): number => rss.reduce((m, r) => Math.max(m, revisionOf(r)), 0);
export const replicasOf = (rs: KubeObject): number => rs.spec?.replicas ?? 1;

function byCreation(a: KubeObject, b: KubeObject): number {
  return String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) || String(a.metadata.name).localeCompare(String(b.metadata.name));
}

/** The oldest RS whose template equals the Deployment's, ignoring the hash label (upstream FindNewReplicaSet). */
export function findNewReplicaSet(d: KubeObject, rss: KubeObject[]): KubeObject | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** The one RS with replicas, or the newest when none has any; undefined when several are active. */
export function findActiveOrLatest(newRs: KubeObject | undefined, old: KubeObject[]): KubeObject | undefined {
  const all = newRs ? [newRs, ...old] : old;
  const active = all.filter((r) => replicasOf(r) > 0);
  if (active.length === 1) return active[0];
  if (active.length === 0) return newRs ?? [...old].sort(byCreation).at(-1);
  return undefined;
}

/** Sets desired-/max-replicas annotations; true when something changed. */
export function setReplicasAnnotations(rs: KubeObject, d: DeploymentShape): boolean {
  const desired = String(d.replicas);
  const max = String(d.replicas + maxSurge(d));
  const a = (rs.metadata.annotations ??= {});
  if (a[DESIRED_REPLICAS] === desired && a[MAX_REPLICAS] === max) return false;
  a[DESIRED_REPLICAS] = desired;
  a[MAX_REPLICAS] = max;
  return true;
}

/**
 * Upstream SetNewReplicaSetAnnotations: copy the Deployment's annotations and raise the revision to
 * `newRevision` (so an old RS brought back by `rollout undo` becomes the latest revision).
 */
export function setNewReplicaSetAnnotations(d: KubeObject, rs: KubeObject, newRevision: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (NOT_COPIED.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  if (revisionOf(rs) < newRevision || a[REVISION] === undefined) {
    a[REVISION] = String(newRevision);
    changed = true;
  }
  return changed;
}

/** A new RS for the Deployment's current template, named `<deploy>-<hash>`, with `replicas`. */
export function buildNewReplicaSet(d: KubeObject, replicas: number, newRevision: number): KubeObject {
  const hash = computeTemplateHash(d.spec?.template, d.status?.collisionCount);
  const template = structuredClone(d.spec?.template ?? {});
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [HASH]: hash } };
  const selector = structuredClone(d.spec?.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH]: hash };
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels },
      annotations: {},
      ownerReferences: [ownerRefTo(d, R.deployments)],
    },
    spec: { replicas, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
  };
  setNewReplicaSetAnnotations(d, rs, newRevision);
  setReplicasAnnotations(rs, deploymentShape(d));
  return rs;
}

/** Old RSs beyond revisionHistoryLimit that are fully scaled down, oldest revision first (upstream cleanupDeployment). */
export function replicaSetsToPrune(d: KubeObject, old: KubeObject[]): KubeObject[] {
  const limit = d.spec?.revisionHistoryLimit ?? 10;
  const alive = old.filter((r) => !r.metadata.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return [];
  return [...alive]
    .sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b))
    .slice(0, diff)
    .filter((r) => (r.status?.replicas ?? 0) === 0 && replicasOf(r) === 0 && (r.metadata.generation ?? 0) <= (r.status?.observedGeneration ?? 0));
}
