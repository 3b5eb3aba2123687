import { R, getControllerOf, type KubeObject } from '@kedge/api';
import type { Informer, KeyMapper, Module } from '@kedge/core';
import { Controller, byKey } from '@kedge/core/controller/index.js';
import { ownerKeys } from '../replicaset/index.js';
import type { ControllerDeps } from '../types.js';
import { DeploymentReconciler } from './deployment-reconciler.js';

export { DeploymentReconciler } from './deployment-reconciler.js';
export { computeTemplateHash, equalIgnoreHash, fnv1a32, safeEncode } from './template-hash.js';
export * from './rollout-math.js';
export * from './deployment-status.js';
export * from './replica-sets.js';

/** A pod's Deployment, through its ReplicaSet: Recreate waits for old pods to be gone. */
function podToDeployment(replicaSets: Informer): KeyMapper {
  return (pod: KubeObject) => {
    const ref = getControllerOf(pod);
    if (ref?.kind !== 'ReplicaSet') return undefined;
    const rs = replicaSets.get(`${pod.metadata.namespace}/${ref.name}`);
    const owner = rs && getControllerOf(rs);
    return owner?.kind === 'Deployment' ? `${pod.metadata.namespace}/${owner.name}` : undefined;
  };
}

export function createDeploymentController(deps: ControllerDeps): Module {
  const log = deps.log.child({ module: 'deployment' });
  const deployments = deps.informers.informer(R.deployments);
  const replicaSets = deps.informers.informer(R.replicasets);
  const pods = deps.informers.informer(R.pods);
  const reconciler = new DeploymentReconciler({
    client: deps.client, log, recorder: deps.recorder, now: deps.now ?? Date.now, deployments, replicaSets, pods,
  });
  return new Controller({ name: 'deployment', reconciler, log, workers: 2 })
    .watch(deployments, byKey)
    .watch(replicaSets, ownerKeys('Deployment', deployments))
    .watch(pods, podToDeployment(replicaSets));
}
