import { R, isNotFound } from '@kedge/api';
import { runModules, type EventRecorder, type InformerFactory, type KubeClient, type Logger } from '@kedge/core';
import { TokenManager, createCertServer, loadOrCreateCloudPKI } from '../certserver/index.js';
import { DEFAULT_RETAIN_MS, createCloudHub, createRevocations } from '../cloudhub/index.js';
import type { CloudHub } from '../cloudhub/types.js';
import { createDeviceController } from '../devicecontroller/index.js';
import { createEdgeController, createSyncController } from '../edgecontroller/index.js';
import { asUserError } from '../server/errors.js';
import { dialHost, urlHost } from '../server/listen.js';
import { advertiseAddresses } from './addresses.js';
import type { CloudCoreConfig } from './config.js';
import { bind, certHttpsServer, closeAll, cloudHubServer, listenersModule, streamTunnelServer, type Bound } from './listeners.js';
import type { CloudStream } from '../cloudstream/index.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface CloudCoreDeps {
  /** The only way CloudCore reaches the cluster; it never touches storage directly. */
  client: KubeClient;
  /** Shared informers; the caller starts the factory (informers created later start at once). */
  informers: InformerFactory;
  recorder?: EventRecorder;
  log: Logger;
  /** Called once the CloudHub exists, before it accepts nodes (the dashboard's fleet tracker observes it). */
  onHub?: (hub: CloudHub) => void;
  /** The API server's stream tunnels (`kedge server`); its listener opens on cloudStream.tunnelPort when enabled. */
  stream?: CloudStream;
}

/** The address to print for a listener: the first advertised one, else the bind address, loopback for a wildcard. */
function displayHost(cfg: CloudCoreConfig, bindAddr: string): string {
  return urlHost(cfg.advertiseAddresses[0] ?? dialHost(bindAddr));
}

/**
 * KubeEdge's CloudCore: the cloud PKI and join token from Secrets in namespace `kubeedge`, the :10002
 * certificate server, CloudHub on :10000 (WebSocket over mutual TLS), EdgeController and SyncController.
 * Prints the listener URLs through `out` once both listen. Resolves after `signal` aborts and everything
 * is closed; rejects if startup or a module fails (a taken port is a one-line UserError).
 */
export async function runCloudCore(cfg: CloudCoreConfig, deps: CloudCoreDeps, signal: AbortSignal, out: (line: string) => void = () => {}): Promise<void> {
  const log = deps.log.child({ component: 'cloudcore' });
  const { client, informers } = deps;
  const addrs = advertiseAddresses(cfg.advertiseAddresses, [cfg.cloudHub.bind, cfg.certServer.bind]);
  const pki = await asUserError('cloud pki', () => loadOrCreateCloudPKI(client, { advertiseAddresses: addrs, log: log.child({ module: 'cloudpki' }) }));
  if (signal.aborted) return;

  // Loaded before either listener opens: a node deleted while CloudCore was down stays refused.
  const revocations = createRevocations({
    client, log,
    retainMs: Math.max(DEFAULT_RETAIN_MS, (cfg.certServer.certDays + 30) * DAY_MS),
  });
  await asUserError('revoked nodes', () => revocations.load());
  if (signal.aborted) return;

  const tokens = new TokenManager({ client, pki, log, ttlMs: cfg.token.ttlHours * HOUR_MS, refreshMs: cfg.token.refreshHours * HOUR_MS });
  const hub = createCloudHub({
    client, log, informers, revocations,
    nodeLimit: cfg.cloudHub.nodeLimit,
    keepaliveTimeoutMs: cfg.cloudHub.keepaliveTimeoutSeconds * 1000,
    maxFrameBytes: cfg.cloudHub.maxFrameBytes,
    perNodeQps: cfg.cloudHub.perNodeQps,
    perNodeBurst: cfg.cloudHub.perNodeBurst,
  });
  deps.onHub?.(hub);
  const certs = createCertServer({
    pki, tokens, log, revocations, certDays: cfg.certServer.certDays,
    nodeExists: async (name) => {
      try {
        await client.get(R.nodes, undefined, name);
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
  });

  const bound: Bound[] = [];
  try {
    bound.push(await bind(cloudHubServer(pki, hub, log), cfg.cloudHub.bind, cfg.cloudHub.port, '--cloudhub-port', 'cloudcore.cloudHub.bind'));
    bound.push(await bind(certHttpsServer(pki, certs, log), cfg.certServer.bind, cfg.certServer.port, '--certserver-port', 'cloudcore.certServer.bind'));
    if (deps.stream && cfg.cloudStream.enable) {
      // Without the tunnel only logs/exec to edge pods fail (each with a clear Status), so a taken port is not fatal.
      const tunnel = await bind(streamTunnelServer(pki, deps.stream.handleTunnel(revocations), log), cfg.cloudStream.bind, cfg.cloudStream.tunnelPort, '--tunnel-port', 'cloudcore.cloudStream.bind')
        .catch((err: Error) => void out(`stream tunnel not listening: ${err.message} (kubectl logs/exec to edge pods unavailable)`));
      if (tunnel) bound.push(tunnel);
    }
  } catch (err) {
    await closeAll(bound.map((b) => b.server));
    throw err;
  }
  const [hubL, certL, streamL] = bound as [Bound, Bound, Bound | undefined];

  const edgeController = createEdgeController({
    client, informers, hub, log,
    nodeStatusRefreshMs: cfg.edgeController.nodeStatusRefreshSeconds * 1000,
    ...(deps.recorder ? { recorder: deps.recorder } : {}),
  });
  const syncController = createSyncController({ client, informers, hub, log });
  const deviceController = cfg.deviceController.enable
    ? createDeviceController({ client, informers, hub, log, statusCoalesceMs: cfg.deviceController.statusCoalesceMs })
    : undefined;

  const hubUrl = `wss://${displayHost(cfg, cfg.cloudHub.bind)}:${hubL.port}`;
  const certUrl = `https://${displayHost(cfg, cfg.certServer.bind)}:${certL.port}`;
  log.info({ cloudhub: hubUrl, certServer: certUrl, advertiseAddresses: addrs }, 'cloudcore ready');
  out(`cloudhub listening on ${hubUrl}`);
  out(`certificate server listening on ${certUrl}`);
  if (streamL) out(`stream tunnel listening on wss://${displayHost(cfg, cfg.cloudStream.bind)}:${streamL.port}`);
  try {
    await runModules([hub, tokens, edgeController, syncController, ...(deviceController ? [deviceController] : []), listenersModule(bound.map((b) => b.server), () => deps.stream?.closeAll())], signal, log);
  } finally {
    // Tunnels first: their upgraded sockets are not HTTP connections, so the listener's close() waits for them.
    deps.stream?.closeAll();
    await closeAll(bound.map((b) => b.server));
    // A revocation made just before shutdown gets a short chance to land; load() at the next start
    // cannot recover one that did not (the SyncController's GC revokes the node again then).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([revocations.flush(), new Promise((r) => (timer = setTimeout(r, 2_000)))]);
    clearTimeout(timer);
    revocations.close();
  }
}
