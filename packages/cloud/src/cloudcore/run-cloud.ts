import { resolve } from 'node:path';
import { cloudCoreCacheTransforms } from './cache-transforms.js';
import { createEventRecorder, createInformerFactory, createKubeClient, createMetricsRegistry, loadKubeconfig, metricsServerModule, runModules, type KubeClientConfig, type Logger } from '@kedge/core';
import { createCloudMetrics } from '../metrics/index.js';
import { UserError } from '../server/errors.js';
import { urlHost } from '../server/listen.js';
import type { CloudConfig } from './cloud-config.js';
import type { CloudCoreConfig } from './config.js';
import { ensureCloudCoreResources } from './ensure-crds.js';
import { runCloudCore } from './run-cloud-core.js';

const COMPONENT = 'kedge-cloudcore';

/**
 * `kedge cloud`: CloudCore alone against any cluster named by a kubeconfig: only the informers and
 * controllers of the edge link run here, never kedge's API server or its other controllers.
 */
export async function runCloud(cfg: CloudConfig, kubeconfig: string, log: Logger, signal: AbortSignal, out: (line: string) => void): Promise<void> {
  if (!cfg.cloudcore.enable) throw new UserError('cloudcore.enable is false in the config: kedge cloud has nothing to run');
  const path = resolve(kubeconfig);
  let conn: KubeClientConfig;
  try {
    conn = loadKubeconfig(path);
  } catch (err) {
    throw new UserError(`kubeconfig ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  const client = createKubeClient({ ...conn, userAgent: COMPONENT, ...cloudCoreClientLimits(cfg.cloudcore) });
  try {
    await ensureCloudCoreResources(client, log.child({ module: 'setup' }), signal);
  } catch (err) {
    throw new UserError(`cannot prepare the cluster at ${conn.server}: ${(err as Error).message}`, { cause: err });
  }
  const informers = createInformerFactory(client, log, { transforms: cloudCoreCacheTransforms() });
  const recorder = createEventRecorder(client, COMPONENT, log);
  let started = false;
  // Prometheus /metrics (issue 6): CloudHub state and counters; API request metrics belong to the cluster's API server.
  const registry = createMetricsRegistry('kedge_cloud');
  const metrics = createCloudMetrics(registry);
  const metricsModules = cfg.metrics.enable ? [metricsServerModule({
    registry, host: cfg.metrics.bind, port: cfg.metrics.port, log,
    onListening: (addr) => out(`metrics listening on http://${urlHost(addr.address)}:${addr.port}/metrics`),
  })] : [];
  await runModules([
    { name: 'informers', start: (s) => informers.start(s) },
    ...metricsModules,
    {
      name: 'cloudcore',
      start: (s) => runCloudCore(cfg.cloudcore, { client, informers, recorder, log, onHub: (hub) => metrics.watchHub(hub) }, s, (line) => {
        out(line);
        if (!started && line.startsWith('certificate server listening')) {
          started = true;
          out(`join token: kedge gettoken --kubeconfig ${path}`);
        }
      }),
    },
  ], signal, log);
  await Promise.race([recorder.flush(), new Promise<void>((r) => setTimeout(r, 2_000).unref())]);
  log.info('kedge cloud stopped');
}

/**
 * CloudCore's API client rate limit, sized by the fleet: every node renews its Lease every 10 s (0.1
 * writes/s each, 500/s at 5 000 nodes) on top of registrations, status and ObjectSync writes; the client's
 * default 200 QPS capped the whole upstream below that, so registrations and renewals queued and nodes
 * fell NotReady (docs/benchmarks.md, CloudHub round 4).
 */
export function cloudCoreClientLimits(cfg: CloudCoreConfig): { qps: number; burst: number } {
  const qps = Math.max(200, cfg.cloudHub.nodeLimit / 4);
  return { qps, burst: qps * 2 };
}
