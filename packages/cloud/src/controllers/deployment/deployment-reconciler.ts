import { R, getControllerOf, isAlreadyExists, isNotFound, wellKnown, type KubeObject } from '@kedge/api';
import type { EventRecorder, Informer, KubeClient, Reconciler, Result } from '@kedge/core';
import type { Logger } from 'pino';
import { claimObjects } from '../replicaset/claim.js';
import { isPodTerminal } from '../replicaset/pod-utils.js';
import { sameJson } from '../replicaset/replicaset-status.js';
import { selectorMatches } from '../replicaset/selector.js';
import {
  Reason, calculateStatus, deploymentComplete, getCondition, msUntilDeadline, rolloutConditions, setCondition,
} from './deployment-status.js';
import {
  buildNewReplicaSet, deploymentShape, desiredReplicasOf, findActiveOrLatest, findNewReplicaSet, maxRevision,
  replicaSetsToPrune, replicasOf, revisionOf, rsShape, setNewReplicaSetAnnotations, setReplicasAnnotations,
} from './replica-sets.js';
import { maxUnavailable, newRsReplicas, planOldScaleDown, planProportionalScale } from './rollout-math.js';
import { equalIgnoreHash } from './template-hash.js';

export interface DeploymentReconcilerDeps {
  client: KubeClient;
  log: Logger;
  recorder: EventRecorder;
  now: () => number;
  deployments: Informer;
  replicaSets: Informer;
  pods: Informer;
}

/** One reconcile's working state: the Deployment (clone, updated as writes land) and its RSs. */
interface Sync {
  /** As read from the cache; status changes are computed against it. */
  cached: KubeObject;
  d: KubeObject;
  rss: KubeObject[];
}

/** Rolls Deployments out through ReplicaSets (upstream pkg/controller/deployment). */
export class DeploymentReconciler implements Reconciler {
  constructor(private readonly x: DeploymentReconcilerDeps) {}

  async reconcile(key: string): Promise<Result | void> {
    const cached = this.x.deployments.get(key);
    if (!cached) return;
    const d = structuredClone(cached) as KubeObject;
    d.status = structuredClone(cached.status ?? {});
    const everything = !selectorMatches(d.spec?.selector, d.spec?.template?.metadata?.labels);
    if (everything) {
      this.x.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment has a selector that does not select its own pods');
      return;
    }
    const rss = await claimObjects({
      client: this.x.client, log: this.x.log, owner: d, ownerResource: R.deployments, resource: R.replicasets,
      candidates: this.x.replicaSets.list(d.metadata.namespace), matches: (rs) => selectorMatches(d.spec?.selector, rs.metadata.labels),
    });
    const s: Sync = { cached, d, rss };
    if (d.metadata.deletionTimestamp) return this.syncStatusOnly(s);
    this.pausedConditions(s);
    if (d.spec?.paused || this.isScalingEvent(s)) return this.syncScale(s);
    return d.spec?.strategy?.type === 'Recreate' ? this.rolloutRecreate(s) : this.rolloutRolling(s);
  }

  private async syncStatusOnly(s: Sync): Promise<Result | void> {
    const { newRs } = await this.getAll(s, false);
    return this.writeStatus(s, newRs, false);
  }

  /** Upstream checkPausedConditions: Progressing=Unknown while paused, and once on resume. */
  private pausedConditions(s: Sync): void {
    const conds = s.d.status.conditions ?? [];
    const cur = getCondition(conds, 'Progressing');
    if (cur?.reason === Reason.TimedOut) return;
    const pausedNow = cur?.reason === Reason.Paused;
    if (s.d.spec?.paused && !pausedNow) {
      s.d.status.conditions = setCondition(conds, { type: 'Progressing', status: 'Unknown', reason: Reason.Paused, message: 'Deployment is paused' }, this.x.now());
    } else if (!s.d.spec?.paused && pausedNow) {
      s.d.status.conditions = setCondition(conds, { type: 'Progressing', status: 'Unknown', reason: Reason.Resumed, message: 'Deployment is resumed' }, this.x.now());
    }
  }

  /** Upstream isScalingEvent: an active RS was last sized for a different spec.replicas. */
  private isScalingEvent(s: Sync): boolean {
    const want = s.d.spec?.replicas ?? 1;
    return s.rss.some((rs) => replicasOf(rs) > 0 && desiredReplicasOf(rs) !== undefined && desiredReplicasOf(rs) !== want);
  }

  /** Scaling or paused: resize without rolling, then status (upstream sync). */
  private async syncScale(s: Sync): Promise<Result | void> {
    const { newRs, old } = await this.getAll(s, false);
    await this.scale(s, newRs, old);
    if (s.d.spec?.paused) await this.cleanup(s, old);
    return this.writeStatus(s, newRs, false);
  }

  private async rolloutRolling(s: Sync): Promise<Result | void> {
    const { newRs, old } = await this.getAll(s, true);
    const shape = deploymentShape(s.d);
    const nrs = newRs!;
    if (replicasOf(nrs) !== shape.replicas) {
      const target = replicasOf(nrs) > shape.replicas ? shape.replicas : newRsReplicas(shape, s.rss.map(rsShape), rsShape(nrs));
      if (await this.scaleRs(s, nrs, target)) return this.writeStatus(s, this.current(s, nrs), true);
    }
    const plan = planOldScaleDown(shape, old.map(rsShape), rsShape(this.current(s, nrs)));
    let scaled = false;
    for (const rs of old) {
      const n = plan.get(String(rs.metadata.name));
      if (n !== undefined && (await this.scaleRs(s, rs, n))) scaled = true;
    }
    if (scaled) return this.writeStatus(s, this.current(s, nrs), true);
    if (deploymentComplete(s.d, calculateStatus(s.d, s.rss, this.current(s, nrs), maxUnavailable(shape), this.x.now()))) await this.cleanup(s, old);
    return this.writeStatus(s, this.current(s, nrs), true);
  }

  private async rolloutRecreate(s: Sync): Promise<Result | void> {
    let { newRs, old } = await this.getAll(s, false);
    let scaledDown = false;
    for (const rs of old) if (replicasOf(rs) > 0 && (await this.scaleRs(s, rs, 0))) scaledDown = true;
    if (scaledDown || this.oldPodsRunning(s, newRs)) return this.writeStatus(s, newRs, true);
    if (!newRs) ({ newRs, old } = await this.getAll(s, true));
    const shape = deploymentShape(s.d);
    if (await this.scaleRs(s, newRs!, shape.replicas)) return this.writeStatus(s, this.current(s, newRs!), true);
    const nrs = this.current(s, newRs!);
    if (deploymentComplete(s.d, calculateStatus(s.d, s.rss, nrs, 0, this.x.now()))) await this.cleanup(s, old);
    return this.writeStatus(s, nrs, true);
  }

  /** Any pod of an old RS not yet finished, terminating ones included: Recreate must wait for them. */
  private oldPodsRunning(s: Sync, newRs: KubeObject | undefined): boolean {
    const old = s.rss.filter((r) => r !== newRs && r.metadata.uid !== newRs?.metadata.uid);
    if (old.some((r) => (r.status?.replicas ?? 0) > 0)) return true;
    const oldUids = new Set(old.map((r) => r.metadata.uid));
    return this.x.pods.list(s.d.metadata.namespace).some((p) => oldUids.has(getControllerOf(p)?.uid) && !isPodTerminal(p));
  }

  /** Upstream scale: resize the single active RS, or spread the change proportionally during a rollout. */
  private async scale(s: Sync, newRs: KubeObject | undefined, old: KubeObject[]): Promise<void> {
    const shape = deploymentShape(s.d);
    const only = findActiveOrLatest(newRs, old);
    if (only) {
      if (replicasOf(only) !== shape.replicas || setReplicasAnnotations(structuredClone(only), shape)) await this.scaleRs(s, only, shape.replicas);
      return;
    }
    if (newRs && this.isSaturated(s.d, newRs)) {
      for (const rs of old) if (replicasOf(rs) > 0) await this.scaleRs(s, rs, 0);
      return;
    }
    if (shape.strategy !== 'RollingUpdate') return;
    const active = s.rss.filter((r) => replicasOf(r) > 0);
    const plan = planProportionalScale(shape, active.map(rsShape));
    for (const rs of active) await this.scaleRs(s, rs, plan.get(String(rs.metadata.name)) ?? replicasOf(rs));
  }

  private isSaturated(d: KubeObject, rs: KubeObject): boolean {
    const want = d.spec?.replicas ?? 1;
    return replicasOf(rs) === want && desiredReplicasOf(rs) === want && (rs.status?.availableReplicas ?? 0) === want;
  }

  /** The RS as last written in this sync. */
  private current(s: Sync, rs: KubeObject): KubeObject {
    return s.rss.find((r) => r.metadata.uid === rs.metadata.uid) ?? rs;
  }

  private replace(s: Sync, rs: KubeObject): void {
    const i = s.rss.findIndex((r) => r.metadata.uid === rs.metadata.uid);
    if (i >= 0) s.rss[i] = rs;
    else s.rss.push(rs);
  }

  /** Sets spec.replicas and the replicas annotations; true when the size changed. */
  private async scaleRs(s: Sync, rs0: KubeObject, replicas: number): Promise<boolean> {
    const rs = this.current(s, rs0);
    const from = replicasOf(rs);
    const next = structuredClone(rs) as KubeObject;
    next.spec = { ...next.spec, replicas };
    const annotations = setReplicasAnnotations(next, deploymentShape(s.d));
    if (from === replicas && !annotations) return false;
    this.replace(s, await this.x.client.update(R.replicasets, next));
    if (from !== replicas) {
      const dir = replicas > from ? 'up' : 'down';
      this.x.recorder.event(s.d, 'Normal', 'ScalingReplicaSet', `Scaled ${dir} replica set ${rs.metadata.name} from ${from} to ${replicas}`);
      this.x.log.debug({ deployment: s.d.metadata.name, replicaset: rs.metadata.name, from, to: replicas }, 'scaled replicaset');
    }
    return from !== replicas;
  }

  /** The new RS (created when `create`) and the old ones; syncs revision annotations (upstream getAllReplicaSetsAndSyncRevision). */
  private async getAll(s: Sync, create: boolean): Promise<{ newRs?: KubeObject; old: KubeObject[] }> {
    const existing = findNewReplicaSet(s.d, s.rss);
    const old = s.rss.filter((r) => r !== existing);
    const newRevision = maxRevision(old) + 1;
    const now = this.x.now();
    let newRs: KubeObject | undefined;
    if (existing) {
      const next = structuredClone(existing) as KubeObject;
      const changed = setNewReplicaSetAnnotations(s.d, next, newRevision);
      const minReady = s.d.spec?.minReadySeconds ?? 0;
      const minReadyChanged = (next.spec?.minReadySeconds ?? 0) !== minReady;
      if (minReadyChanged) next.spec = { ...next.spec, minReadySeconds: minReady };
      newRs = changed || minReadyChanged ? await this.x.client.update(R.replicasets, next) : existing;
      this.replace(s, newRs);
      if (!getCondition(s.d.status.conditions, 'Progressing')) {
        s.d.status.conditions = setCondition(s.d.status.conditions ?? [], { type: 'Progressing', status: 'True', reason: Reason.FoundNewRS, message: `Found new replica set "${newRs.metadata.name}"` }, now);
      }
    } else if (create) {
      newRs = await this.createNewRs(s, old, newRevision);
    }
    if (newRs) await this.syncDeploymentRevision(s, newRs);
    return { newRs: newRs && this.current(s, newRs), old: s.rss.filter((r) => r.metadata.uid !== newRs?.metadata.uid) };
  }

  private async createNewRs(s: Sync, old: KubeObject[], newRevision: number): Promise<KubeObject> {
    const shape = deploymentShape(s.d);
    const replicas = newRsReplicas(shape, old.map(rsShape), { name: '', replicas: 0, available: 0, created: 0 });
    const rs = buildNewReplicaSet(s.d, replicas, newRevision);
    const name = String(rs.metadata.name);
    const now = this.x.now();
    let created: KubeObject;
    try {
      created = await this.x.client.create(R.replicasets, rs);
    } catch (err) {
      if (!isAlreadyExists(err)) {
        s.d.status.conditions = setCondition(s.d.status.conditions ?? [], { type: 'Progressing', status: 'False', reason: Reason.FailedRSCreate, message: `Failed to create new replica set "${name}": ${(err as Error).message}` }, now);
        await this.putStatus(s, s.d.status);
        throw err;
      }
      // The cache may just lag behind our own create; anything else at that name is a hash collision.
      const there = await this.x.client.get(R.replicasets, s.d.metadata.namespace, name);
      if (getControllerOf(there)?.uid === s.d.metadata.uid && equalIgnoreHash(there.spec?.template, s.d.spec?.template)) {
        this.replace(s, there);
        return there;
      }
      const collisionCount = (s.d.status.collisionCount ?? 0) + 1;
      this.x.log.info({ deployment: s.d.metadata.name, replicaset: name, collisionCount }, 'pod template hash collision');
      await this.putStatus(s, { ...s.d.status, collisionCount });
      throw err;
    }
    this.replace(s, created);
    if (replicas > 0) this.x.recorder.event(s.d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${replicas}`);
    s.d.status.conditions = setCondition(s.d.status.conditions ?? [], { type: 'Progressing', status: 'True', reason: Reason.NewRSCreated, message: `Created new replica set "${name}"` }, now);
    return created;
  }

  /** The Deployment carries its current revision as an annotation, as upstream's does. */
  private async syncDeploymentRevision(s: Sync, newRs: KubeObject): Promise<void> {
    const rev = String(revisionOf(newRs));
    if (s.d.metadata.annotations?.[wellKnown.revisionAnnotation] === rev) return;
    const patched = await this.x.client.patch(R.deployments, s.d.metadata.namespace, String(s.d.metadata.name), 'merge', {
      metadata: { annotations: { [wellKnown.revisionAnnotation]: rev }, resourceVersion: s.d.metadata.resourceVersion },
    });
    s.d.metadata = { ...s.d.metadata, annotations: patched.metadata.annotations, resourceVersion: patched.metadata.resourceVersion };
  }

  private async cleanup(s: Sync, old: KubeObject[]): Promise<void> {
    for (const rs of replicaSetsToPrune(s.d, old.map((r) => this.current(s, r)))) {
      try {
        await this.x.client.delete(R.replicasets, rs.metadata.namespace, String(rs.metadata.name), { preconditions: { uid: rs.metadata.uid } });
        this.x.log.debug({ deployment: s.d.metadata.name, replicaset: rs.metadata.name }, 'pruned old replicaset');
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      s.rss = s.rss.filter((r) => r.metadata.uid !== rs.metadata.uid);
    }
  }

  /** Status from the RSs; `rollout` adds the Progressing logic of upstream syncRolloutStatus. */
  private async writeStatus(s: Sync, newRs: KubeObject | undefined, rollout: boolean): Promise<Result | void> {
    const now = this.x.now();
    let status = calculateStatus(s.d, s.rss, newRs, maxUnavailable(deploymentShape(s.d)), now);
    if (rollout) status = rolloutConditions(s.d, status, newRs, s.rss, now);
    if (!sameJson(status, s.cached.status ?? {})) await this.putStatus(s, status);
    const wait = rollout && !s.d.spec?.paused ? msUntilDeadline(s.d, status, now) : undefined;
    return wait === undefined ? undefined : { requeueAfterMs: wait };
  }

  private async putStatus(s: Sync, status: unknown): Promise<void> {
    try {
      const updated = await this.x.client.update(R.deployments, { ...structuredClone(s.d), status }, { subresource: 'status' });
      s.d.metadata.resourceVersion = updated.metadata.resourceVersion;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
