import { R, wellKnown, type KubeObject } from '@kedge/api';
import type { Module } from '@kedge/core';
import { Controller } from '@kedge/core/controller/index.js';
import type { ControllerDeps } from '../types.js';
import { NodeLifecycleReconciler, type NodeLifecycleOptions } from './node-lifecycle.js';

export { NodeLifecycleReconciler, type NodeLifecycleOptions } from './node-lifecycle.js';

/** Accepts the server config's seconds or explicit milliseconds (ms win). */
export interface NodeLifecycleConfig {
  gracePeriodMs?: number;
  startupGracePeriodMs?: number;
  monitorPeriodMs?: number;
  gracePeriodSeconds?: number;
  startupGracePeriodSeconds?: number;
  evictEdgePods?: boolean;
  defaultTolerationSeconds?: number;
}

export function resolveNodeLifecycleConfig(c: NodeLifecycleConfig = {}): NodeLifecycleOptions {
  return {
    // 50 s since Kubernetes 1.32 (kubernetes#126287).
    gracePeriodMs: c.gracePeriodMs ?? (c.gracePeriodSeconds ?? 50) * 1000,
    startupGracePeriodMs: c.startupGracePeriodMs ?? (c.startupGracePeriodSeconds ?? 60) * 1000,
    monitorPeriodMs: c.monitorPeriodMs ?? 5000,
    evictEdgePods: c.evictEdgePods ?? false,
    defaultTolerationSeconds: c.defaultTolerationSeconds ?? 300,
  };
}

export function createNodeLifecycleController(deps: ControllerDeps, cfg: NodeLifecycleConfig = {}): Module {
  const log = deps.log.child({ module: 'nodelifecycle' });
  const nodes = deps.informers.informer(R.nodes);
  const leases = deps.informers.informer(R.leases, { namespace: wellKnown.nodeLeaseNamespace });
  const pods = deps.informers.informer(R.pods);
  const reconciler = new NodeLifecycleReconciler({ client: deps.client, recorder: deps.recorder, log, nodes, leases, pods, now: deps.now ?? Date.now }, resolveNodeLifecycleConfig(cfg));
  return new Controller({ name: 'nodelifecycle', reconciler, log })
    .watch(nodes)
    .watch(leases, (l: KubeObject) => l.metadata.name);
}
