import { R, objectKey } from '@kedge/api';
import type { Module } from '@kedge/core';
import { Controller, byKey } from '@kedge/core/controller/index.js';
import { Expectations } from '../replicaset/expectations.js';
import { observePods, ownerKeys } from '../replicaset/index.js';
import type { ControllerDeps } from '../types.js';
import { DaemonSetReconciler } from './daemonset-reconciler.js';

export { DaemonSetReconciler } from './daemonset-reconciler.js';
export { daemonPodFor, targetNodeName, REVISION_HASH_LABEL } from './daemon-pod.js';
export * from './node-eligibility.js';

export function createDaemonSetController(deps: ControllerDeps): Module {
  const log = deps.log.child({ module: 'daemonset' });
  const now = deps.now ?? Date.now;
  const daemonSets = deps.informers.informer(R.daemonsets);
  const pods = deps.informers.informer(R.pods);
  const nodes = deps.informers.informer(R.nodes);
  const expectations = new Expectations(now);
  observePods(pods, 'DaemonSet', expectations);
  const reconciler = new DaemonSetReconciler({ client: deps.client, log, recorder: deps.recorder, now, daemonSets, pods, nodes, expectations });
  return new Controller({ name: 'daemonset', reconciler, log, workers: 2 })
    .watch(daemonSets, byKey)
    .watch(pods, ownerKeys('DaemonSet', daemonSets))
    // Any node change (labels, taints, readiness, add/remove) can change placement of every DaemonSet.
    .watch(nodes, () => daemonSets.list().map((d) => objectKey(d)));
}
