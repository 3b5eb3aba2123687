import type { Message } from '@kedge/api';
import { Controller, type InformerFactory, type KubeClient, type Module } from '@kedge/core';
import type { Logger } from 'pino';
import type { CloudHub } from '../cloudhub/types.js';
import { DeviceDownstream } from './downstream.js';
import { StatusWriter } from './status-writer.js';
import { TelemetryLog, type NodeTelemetry } from './telemetry.js';
import { DeviceUpstream } from './upstream.js';

export { TelemetryLog, type NodeTelemetry, type TelemetryRecord } from './telemetry.js';
export { deviceKey, modelKey } from './downstream.js';

/** Upstream device messages held while the caches fill (a burst of reconnecting edges right after a restart). */
const EARLY_LIMIT = 10_000;

export interface DeviceControllerOptions {
  client: KubeClient;
  informers: InformerFactory;
  hub: CloudHub;
  log: Logger;
  /** At most one status write per device per this many ms (cloudcore.deviceController.statusCoalesceMs). */
  statusCoalesceMs?: number;
  /** Telemetry messages kept per node for `telemetry(node)`. Default 100. */
  telemetryKeep?: number;
  workers?: number;
  now?: () => number;
}

export interface DeviceController extends Module {
  /** Telemetry (`user`/`upload`) received from `node`: count and the last few messages. */
  telemetry(node: string): NodeTelemetry;
  /** Device status writes made so far. */
  statusWrites(): number;
}

/**
 * KubeEdge's DeviceController: Devices and their DeviceModels go to the node in spec.nodeName (reliable
 * `resource` messages plus a best-effort membership update), and what edges report (twins, states) is
 * written back to Device.status, coalesced per device. Telemetry uploads are counted (no router yet).
 */
export function createDeviceController(o: DeviceControllerOptions): DeviceController {
  const log = o.log.child({ module: 'devicecontroller' });
  const downstream = new DeviceDownstream(o.informers, o.hub, log, o.now);
  const controller = new Controller({ name: 'devicecontroller', reconciler: downstream, log, workers: o.workers ?? 1 });
  downstream.watch((key) => controller.enqueue(key));
  const status = new StatusWriter({ client: o.client, devices: downstream.devices, log, coalesceMs: o.statusCoalesceMs ?? 1000, ...(o.now ? { now: o.now } : {}) });
  downstream.devices.on({ delete: (d) => status.forget(d.metadata.namespace ?? '', d.metadata.name!) });
  const telemetry = new TelemetryLog(o.telemetryKeep ?? 100);
  const upstream = new DeviceUpstream({ hub: o.hub, devices: downstream.devices, status, telemetry, membership: (node) => downstream.membership(node), log, ...(o.now ? { now: o.now } : {}) });

  let synced = false;
  // Before the caches are filled every device would look like another node's: early reports wait here.
  let early: Array<[string, Message]> | undefined = [];
  o.hub.onUpstream((node, msg) => {
    if (msg.route.group !== 'twin' && msg.route.group !== 'user') return;
    if (!early) upstream.handle(node, msg);
    else if (early.length < EARLY_LIMIT) early.push([node, msg]);
    else log.warn({ node, resource: msg.route.resource }, 'device message before caches synced and the early buffer is full, dropped');
  });
  o.hub.onConnection((node, event) => {
    if (event === 'connected' && synced) downstream.resync(node, (key) => controller.enqueue(key));
  });

  return {
    name: 'devicecontroller',
    telemetry: (node) => telemetry.get(node),
    statusWrites: () => status.writes,
    async start(signal: AbortSignal): Promise<void> {
      if (signal.aborted) return;
      try {
        await Promise.all(downstream.informers().map((i) => i.waitForSync(signal)));
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      }
      synced = true;
      for (const [node, msg] of early ?? []) upstream.handle(node, msg);
      early = undefined;
      // Deletes missed while CloudCore was down; the informer add events already queued every device.
      downstream.collectStale();
      try {
        await controller.start(signal);
      } finally {
        await status.close();
      }
    },
  };
}
