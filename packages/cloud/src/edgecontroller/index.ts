import { ApiError } from '@kedge/api';
import { Controller, type EventRecorder, type InformerFactory, type KubeClient, type Module } from '@kedge/core';
import type { Logger } from 'pino';
import type { CloudHub } from '../cloudhub/types.js';
import { NodeAuthorizer } from './authorize.js';
import { DownstreamReconciler } from './downstream.js';
import { Placement } from './placement.js';
import { SyncController } from './sync-controller.js';
import { Upstream } from './upstream.js';
import { createUpstreamGate } from './upstream-gate.js';
import { NodeHandlers } from './upstream-node.js';

export { SyncController, parseSyncName } from './sync-controller.js';
export { podReferenceKeys, type PlacedType } from './references.js';
export { toMicroTime } from './upstream-node.js';

export interface EdgeControllerOptions {
  client: KubeClient;
  informers: InformerFactory;
  hub: CloudHub;
  log: Logger;
  recorder?: EventRecorder;
  /** Condition heartbeats older than this are refreshed on a status report (KubeEdge: 10 s). */
  nodeStatusRefreshMs?: number;
  /** Namespace segment of Node resources on the wire (edged's registerNodeNamespace). */
  nodeNamespace?: string;
  workers?: number;
  /** Upstream messages handled at once (API requests in flight from edges); the rest queue. Default 64. */
  upstreamConcurrency?: number;
  now?: () => number;
}

/**
 * KubeEdge's EdgeController: sends pods bound to edge nodes, the ConfigMaps/Secrets they reference and
 * the edge Node objects to the right node through the hub, and applies what edges send up (registration,
 * node/pod status, leases, events, queries) under node authorization.
 */
export function createEdgeController(o: EdgeControllerOptions): Module {
  const log = o.log.child({ module: 'edgecontroller' });
  const placement = new Placement(o.informers);
  const downstream = new DownstreamReconciler(placement, o.hub, log, { nodeNamespace: o.nodeNamespace ?? 'default' });
  const controller = new Controller({ name: 'edgecontroller', reconciler: downstream, log, workers: o.workers ?? 2 });
  downstream.watch((key) => controller.enqueue(key));

  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const gate = createUpstreamGate(o.upstreamConcurrency ?? 64);
  const upstream = new Upstream({
    client: o.client,
    hub: o.hub,
    log,
    placement,
    authorizer: new NodeAuthorizer(placement, o.client),
    nodes: new NodeHandlers({ client: o.client, placement, now: o.now ?? Date.now, nodeStatusRefreshMs: o.nodeStatusRefreshMs ?? 10_000 }),
    ready,
    gate,
  });
  // handle() answers its own failures; this only keeps a bug there from becoming an unhandled rejection (a crash).
  o.hub.onUpstream((node, msg) => void upstream.handle(node, msg).catch((err: unknown) => log.error({ err, node, resource: msg.route.resource }, 'upstream message handler failed')));
  o.hub.onConnection((node, event) => {
    if (event === 'connected') downstream.resync(node, (key) => controller.enqueue(key));
  });

  return {
    name: 'edgecontroller',
    async start(signal: AbortSignal): Promise<void> {
      if (signal.aborted) return;
      try {
        await Promise.all(placement.informers().map((i) => i.waitForSync(signal)));
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      }
      // Reconciling before the caches are complete could miss which nodes are edge nodes.
      markReady();
      await controller.start(signal);
      gate.close(new ApiError('ServiceUnavailable', 'cloudcore is shutting down'));
    },
  };
}

export interface SyncControllerConfig {
  client: KubeClient;
  informers: InformerFactory;
  hub: CloudHub;
  log: Logger;
  periodMs?: number;
  resendAfterMs?: number;
  nodeNamespace?: string;
  now?: () => number;
}

export function createSyncController(o: SyncControllerConfig): SyncController {
  return new SyncController({
    client: o.client,
    informers: o.informers,
    hub: o.hub,
    log: o.log,
    placement: new Placement(o.informers),
    downstream: { nodeNamespace: o.nodeNamespace ?? 'default' },
    ...(o.periodMs !== undefined ? { periodMs: o.periodMs } : {}),
    ...(o.resendAfterMs !== undefined ? { resendAfterMs: o.resendAfterMs } : {}),
    ...(o.now ? { now: o.now } : {}),
  });
}
