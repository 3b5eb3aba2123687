import { R, getControllerOf, objectKey, type KubeObject } from '@kedge/api';
import type { Informer, KeyMapper, Module } from '@kedge/core';
import { Controller, byKey } from '@kedge/core/controller/index.js';
import type { ControllerDeps } from '../types.js';
import { Expectations } from './expectations.js';
import { ReplicaSetReconciler } from './replicaset-reconciler.js';
import { selectorMatches } from './selector.js';

export { ReplicaSetReconciler, podFromTemplate } from './replicaset-reconciler.js';
export { Expectations } from './expectations.js';
export { claimObjects, ownerRefTo } from './claim.js';
export { selectorMatches } from './selector.js';
export * from './pod-utils.js';
export * from './replicaset-status.js';

/**
 * Maps a dependent to its controller's key when that is of `kind`, and an orphan to every owner in
 * its namespace whose selector matches it (so it can be adopted).
 */
export function ownerKeys(kind: string, owners: Informer): KeyMapper {
  return (obj: KubeObject) => {
    const ref = getControllerOf(obj);
    if (ref) return ref.kind === kind ? `${obj.metadata.namespace}/${ref.name}` : undefined;
    return owners.list(obj.metadata.namespace)
      .filter((o) => selectorMatches(o.spec?.selector, obj.metadata.labels))
      .map((o) => objectKey(o));
  };
}

/** Feeds an Expectations from pod events: a seen create or delete settles what the reconciler waits for. */
export function observePods(pods: Informer, kind: string, expectations: Expectations): void {
  const key = (p: KubeObject) => {
    const ref = getControllerOf(p);
    return ref?.kind === kind ? `${p.metadata.namespace}/${ref.name}` : undefined;
  };
  pods.on({
    add: (p) => { const k = key(p); if (k) expectations.creationObserved(k, String(p.metadata.name)); },
    update: (_old, p) => { const k = key(p); if (k && p.metadata.deletionTimestamp) expectations.deletionObserved(k, String(p.metadata.name)); },
    delete: (p) => { const k = key(p); if (k) expectations.deletionObserved(k, String(p.metadata.name)); },
  });
}

export function createReplicaSetController(deps: ControllerDeps): Module {
  const log = deps.log.child({ module: 'replicaset' });
  const now = deps.now ?? Date.now;
  const replicaSets = deps.informers.informer(R.replicasets);
  const pods = deps.informers.informer(R.pods);
  const expectations = new Expectations(now);
  observePods(pods, 'ReplicaSet', expectations);
  const reconciler = new ReplicaSetReconciler({ client: deps.client, log, recorder: deps.recorder, now, replicaSets, pods, expectations });
  return new Controller({ name: 'replicaset', reconciler, log, workers: 2 })
    .watch(replicaSets, byKey)
    .watch(pods, ownerKeys('ReplicaSet', replicaSets));
}
