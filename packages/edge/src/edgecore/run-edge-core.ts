import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { createMetricsRegistry, metricsServerModule, runModules, type Logger, type Module } from '@kedge/core';
import { registerEdgeMetrics } from '../metrics/index.js';
import type { EdgeConfig } from '../config/index.js';
import { cloudHubUrl, createEdgeHub, type EdgeTls } from '../edgehub/index.js';
import { createEdged } from '../edged/index.js';
import { createEdgeDevices, type EdgeDevices } from '../devicetwin/index.js';
import { createDmiServer } from '../dmi/index.js';
import { createEdgeStream } from '../edgestream/index.js';
import { createMetaManager, openMetaStore } from '../metamanager/index.js';
import { createMetaServer, metaServerModule } from '../metaserver/index.js';
import { createNodeStatus } from '../nodestatus/index.js';
import { certRotationModule } from './cert-rotation.js';

/** A problem the operator must fix; the CLI prints only the message and exits 1. */
export class EdgeUserError extends Error {
  readonly isUserError = true;
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'UserError';
  }
}

function readTls(cfg: EdgeConfig): EdgeTls {
  const t = cfg.edgeHub.tls;
  return { caPem: readFileSync(t.caFile, 'utf8'), certPem: readFileSync(t.certFile, 'utf8'), keyPem: readFileSync(t.keyFile, 'utf8') };
}

/** The MetaServer module, with a taken port turned into the one line an operator can act on. */
function metaServerWithHint(inner: Module, cfg: EdgeConfig): Module {
  return {
    name: inner.name,
    start: (signal) =>
      inner.start(signal).catch((err: NodeJS.ErrnoException) => {
        if (err?.code === 'EADDRINUSE' || err?.code === 'EACCES') {
          throw new EdgeUserError(`metaserver cannot listen on ${cfg.metaServer.bind}:${cfg.metaServer.port} (${err.code}); choose another port with --metaserver-port`, { cause: err });
        }
        throw err;
      }),
  };
}

/**
 * EdgeCore: EdgeHub, MetaManager, MetaServer, node status and certificate rotation, until `signal`
 * aborts or a module fails. `out` gets the two lines an operator looks for once it is up.
 */
export async function runEdgeCore(cfg: EdgeConfig, log: Logger, signal: AbortSignal, out: (line: string) => void): Promise<void> {
  const t = cfg.edgeHub.tls;
  for (const f of [t.caFile, t.certFile, t.keyFile]) {
    if (!existsSync(f)) throw new EdgeUserError(`no edge certificate at ${f}: run \`kedge join\` first`);
  }
  mkdirSync(cfg.dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(dirname(cfg.metaManager.db), { recursive: true, mode: 0o700 });
  const name = cfg.node.name;
  const hub = createEdgeHub({
    server: cfg.edgeHub.server,
    nodeName: name,
    projectId: cfg.edgeHub.projectId,
    // Re-read on every dial so a rotated certificate is used by the next connection.
    tls: () => readTls(cfg),
    heartbeatMs: cfg.edgeHub.heartbeatSeconds * 1000,
    qps: cfg.edgeHub.qps,
    burst: cfg.edgeHub.burst,
    log,
  });
  const store = openMetaStore({ path: cfg.metaManager.db });
  let devices: EdgeDevices | undefined;
  try {
    const mods: Module[] = [hub];
    const meta = createMetaManager({ store, link: hub, nodeName: name, log, remoteQueryTimeoutMs: cfg.metaManager.remoteQueryTimeoutSeconds * 1000 });
    // Pods from the cache on containerd (issue 4); falls back to reporting NoContainerRuntime.
    const edged = createEdged({ config: cfg.edged, dataDir: cfg.dataDir, nodeName: name, link: hub, store, log, out });
    meta.onObject((op, edgeType, obj) => edged.onObject(op, edgeType, obj));
    mods.push(meta);
    mods.push(edged);
    // Devices (issue 5): DeviceTwin, its store-and-forward spool and the MQTT EventBus.
    if (cfg.deviceTwin.enable) {
      devices = createEdgeDevices({ cfg, store, link: hub, meta, nodeName: name, log, out });
      mods.push(...devices.modules);
      mods.push(createDmiServer({ socket: cfg.deviceTwin.dmiSocket, stateFile: `${cfg.dataDir}/dmi-mappers.json`, twin: devices.twin, log, rate: { perSecond: cfg.deviceTwin.dmiReportQps, burst: cfg.deviceTwin.dmiReportBurst } }));
    }
    if (cfg.edgeStream.enable) mods.push(createEdgeStream({ server: cfg.edgeStream.server, nodeName: name, tls: () => readTls(cfg), runtime: { runtimeEndpoint: cfg.edged.runtimeEndpoint, dataDir: cfg.dataDir }, log }));
    mods.push(createNodeStatus({
      runtimeVersion: () => edged.runtimeVersion(),
      link: hub, store, nodeName: name, registerNamespace: cfg.node.registerNamespace, labels: cfg.node.labels, dataDir: cfg.dataDir,
      updateMs: cfg.nodeStatus.updateSeconds * 1000, leaseMs: cfg.nodeStatus.leaseSeconds * 1000, leaseDurationSeconds: cfg.nodeStatus.leaseDurationSeconds, log,
    }));
    if (cfg.edgeHub.rotateCertificates) {
      mods.push(certRotationModule({
        certServer: cfg.edgeHub.certServer, nodeName: name, caFile: t.caFile, certFile: t.certFile, keyFile: t.keyFile, log,
        onRotated: () => hub.reconnect('certificate rotated'),
      }));
    }
    if (cfg.metrics.enable) {
      // Prometheus /metrics (issue 6) on loopback by default: it has no authentication.
      const registry = createMetricsRegistry('kedge_edge');
      const twin = devices?.twin;
      registerEdgeMetrics(registry, {
        hub: () => hub.stats(),
        pods: () => edged.stats(),
        ...(twin ? { spool: () => twin.spoolStats(), twinUpdates: () => twin.updateCount() } : {}),
      });
      mods.push(metricsServerModule({
        registry, host: cfg.metrics.bind, port: cfg.metrics.port, log,
        onListening: (addr) => out(`metrics listening on http://${addr.address}:${addr.port}/metrics`),
      }));
    }
    const connecting = `kedge edge ${name} connecting to ${cloudHubUrl(cfg.edgeHub.server, cfg.edgeHub.projectId, name)}`;
    if (cfg.metaServer.enable) {
      const server = createMetaServer({ store, link: hub, log, nodeName: name });
      mods.push(metaServerWithHint(metaServerModule({
        server, log, host: cfg.metaServer.bind, port: cfg.metaServer.port,
        onListening: (addr: AddressInfo) => {
          out(connecting);
          out(`metaserver listening on http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`);
        },
      }), cfg));
    } else {
      out(connecting);
    }
    await runModules(mods, signal, log);
  } finally {
    devices?.close();
    store.close();
  }
}
