import type { Module } from '@kedge/core';
import type { ControllerDeps } from './types.js';
import { createSchedulerController, type SchedulerConfig } from './scheduler/index.js';
import { createNodeLifecycleController, type NodeLifecycleConfig } from './nodelifecycle/index.js';
import { createNamespaceController, type NamespaceConfig } from './namespace/index.js';
import { createServiceAccountController } from './serviceaccount/index.js';
import { createEndpointsController } from './endpoints/index.js';
import { createGarbageCollectorController, type GarbageCollectorConfig } from './garbagecollector/index.js';
import { createDeploymentController } from './deployment/index.js';
import { createReplicaSetController } from './replicaset/index.js';
import { createDaemonSetController } from './daemonset/index.js';

export type { ControllerDeps } from './types.js';

/** Every controller kedge can run; each is a `<name>: boolean` switch in the server config. */
export const controllerNames = [
  'scheduler', 'nodelifecycle', 'namespace', 'serviceaccount', 'endpoints', 'garbagecollector', 'deployment', 'replicaset', 'daemonset',
] as const;

export type ControllerName = (typeof controllerNames)[number];

export interface ControllersConfig {
  /** Missing names count as enabled. */
  enabled: Record<string, boolean>;
  nodeLifecycle?: NodeLifecycleConfig;
  scheduler?: SchedulerConfig;
  namespace?: NamespaceConfig;
  garbageCollector?: GarbageCollectorConfig;
}

export function createControllers(deps: ControllerDeps, cfg: ControllersConfig): Module[] {
  const make: Record<ControllerName, () => Module> = {
    scheduler: () => createSchedulerController(deps, cfg.scheduler),
    nodelifecycle: () => createNodeLifecycleController(deps, cfg.nodeLifecycle),
    namespace: () => createNamespaceController(deps, cfg.namespace),
    serviceaccount: () => createServiceAccountController(deps),
    endpoints: () => createEndpointsController(deps),
    garbagecollector: () => createGarbageCollectorController(deps, cfg.garbageCollector),
    deployment: () => createDeploymentController(deps),
    replicaset: () => createReplicaSetController(deps),
    daemonset: () => createDaemonSetController(deps),
  };
  return controllerNames.filter((n) => cfg.enabled[n] !== false).map((n) => make[n]());
}
