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
  // Pods are bound one at a time so each decision sees the previous one's resource usage.
  return new Controller({ name: 'scheduler', reconciler, log, workers: 1 })
    .watch(pods, (p) => (needsScheduling(p) ? objectKey(p) : undefined))
    // A node appearing or changing may make pending pods schedulable.
    .watch(nodes, () => pods.list().filter(needsScheduling).map(objectKey));
}

