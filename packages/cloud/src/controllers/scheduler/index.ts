import { R, objectKey } from '@kedge/api';
import type { Module } from '@kedge/core';
import { Controller } from '@kedge/core/controller/index.js';
import type { ControllerDeps } from '../types.js';
import { SchedulerReconciler, needsScheduling } from './scheduler.js';

export * from './resources.js';
export { SchedulerReconciler, needsScheduling } from './scheduler.js';

export interface SchedulerConfig {
  retryMs?: number;
}

export function createSchedulerController(deps: ControllerDeps, cfg: SchedulerConfig = {}): Module {
  const log = deps.log.child({ module: 'scheduler' });
  const pods = deps.informers.informer(R.pods);
  const nodes = deps.informers.informer(R.nodes);
  const reconciler = new SchedulerReconciler({ client: deps.client, recorder: deps.recorder, log, pods, nodes, retryMs: cfg.retryMs });
  // Decisions are synchronous and assume the pod before its binding request, so several workers can have
  // bindings in flight while each decision still sees the previous ones' resource usage (a burst of 20 pods
  // waited 2.5 s for one-at-a-time bindings under load; docs/benchmarks.md, Edge round 4).
  return new Controller({ name: 'scheduler', reconciler, log, workers: 4 })
    .watch(pods, (p) => (needsScheduling(p) ? objectKey(p) : undefined))
    // A node appearing or changing may make pending pods schedulable.
    .watch(nodes, () => pods.list().filter(needsScheduling).map(objectKey));
}

