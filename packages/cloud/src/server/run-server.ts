import { mkdirSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import type { Logger, Module } from '@kedge/core';
import { createMetricsRegistry, runModules, serveMetrics } from '@kedge/core';
import { createKubeClient } from '@kedge/core/http-client/index.js';
import { createInformerFactory } from '@kedge/core/informer/index.js';
import { createEventRecorder } from '@kedge/core/events/index.js';
import { createApiServer, createAuthenticator } from '../apiserver/index.js';
import { createCloudStream } from '../cloudstream/index.js';
import { createCloudMetrics } from '../metrics/index.js';
import { createBackend } from '../storage/index.js';
import { createControllers } from '../controllers/index.js';
import { ADMIN_GROUP, ADMIN_USER, loadOrCreateServerPKI, loadOrCreateServiceAccountKey } from '../pki/index.js';
import { enabledControllers, type ServerConfig } from './config.js';
import { writeKubeconfig } from './kubeconfig.js';
import { listen, serverUrl } from './listen.js';
import { asUserError } from './errors.js';
import { runCloudCore } from '../cloudcore/run-cloud-core.js';
import { cloudCoreClientLimits } from '../cloudcore/run-cloud.js';
import { FleetTracker, createDashboard } from '@kedge/dashboard';

const COMPONENT = 'kedge-controller-manager';
const CLOUDCORE = 'kedge-cloudcore';

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** Settles when `s` aborts; rejects if the API server fails or stops on its own before that. */
function watchApi(running: Promise<void>, s: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    s.addEventListener('abort', () => resolve(), { once: true });
    running.then(() => (s.aborted ? resolve() : reject(new Error('api server stopped unexpectedly'))), reject);
  });
}

/**
 * The `kedge server` composition root: storage, PKI, the HTTPS API server and the controllers
 * (which reach the API through a loopback KubeClient, exactly as they would any other cluster).
 * Resolves after `signal` aborts and everything is closed; rejects if startup or a module fails.
 */
export async function runServer(cfg: ServerConfig, log: Logger, signal: AbortSignal, out: (line: string) => void): Promise<void> {
  const { apiserver: apiCfg } = cfg;
  await asUserError(`data dir ${apiCfg.dataDir}`, async () => mkdirSync(apiCfg.dataDir, { recursive: true, mode: 0o700 }));
  const pki = await asUserError('pki', () => loadOrCreateServerPKI(join(apiCfg.dataDir, 'pki'), {
    hosts: [apiCfg.bind, ...apiCfg.advertiseAddresses],
    log: log.child({ module: 'pki' }),
  }));
  const saKey = await asUserError('service account key', async () => loadOrCreateServiceAccountKey(pki.dir));

  const backend = createBackend(cfg.storage.type === 'sqlite' ? { type: 'sqlite', path: cfg.storage.path } : { type: 'memory' }, log.child({ module: 'storage' }));
  await asUserError(`storage ${cfg.storage.type === 'sqlite' ? cfg.storage.path : 'memory'}`, () => backend.open());
  // Modules stop first; the API server stops after them so their last writes (events) still land.
  const stop = new AbortController();
  const apiStop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  if (signal.aborted) stop.abort(signal.reason);
  else signal.addEventListener('abort', onAbort, { once: true });

  const server = createServer({ key: pki.serving.keyPem, cert: pki.serving.certPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: false });
  let apiRun: Promise<void> | undefined;
  try {
    const authenticator = createAuthenticator({ tokens: new Map([[pki.adminToken, { name: ADMIN_USER, groups: [ADMIN_GROUP] }]]), caCertPem: pki.ca.certPem });
    // pods/log and pods/exec reach edge pods through CloudCore's stream tunnels (issue 4).
    const stream = cfg.cloudcore.enable && cfg.cloudcore.cloudStream.enable ? createCloudStream({ log }) : undefined;
    const api = createApiServer({
      backend,
      // Components that name themselves get the root logger, so `module` is not repeated.
      log,
      authenticator,
      maxBodyBytes: apiCfg.maxBodyBytes,
      compactIntervalMs: apiCfg.compactIntervalMs,
      compactMinRetain: apiCfg.compactMinRetain,
      serviceAccountTokens: { key: saKey },
      ...(stream ? { podStreamer: stream.podStreamer } : {}),
    });
    // The dashboard (issue 6) answers /dashboard/…; everything else is the API's.
    const fleet = new FleetTracker();
    const dashboard = cfg.dashboard.enable ? createDashboard({ authenticator, tracker: fleet, log }) : undefined;
    stop.signal.addEventListener('abort', () => { dashboard?.close(); fleet.close(); }, { once: true });
    // Prometheus /metrics on the API port, behind the API's authentication as kube-apiserver does (issue 6).
    const registry = createMetricsRegistry('kedge_cloud');
    const metrics = createCloudMetrics(registry);
    server.on('request', (req, res) => {
      metrics.observeRequest(req, res);
      if (req.url === '/metrics') {
        if (authenticator.authenticate(req)) void serveMetrics(registry, req, res);
        else res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized: /metrics needs a client certificate or bearer token\n');
        return;
      }
      if (!dashboard?.handle(req, res)) api.handleRequest(req, res);
    });
    server.on('upgrade', (req, socket, head) => {
      metrics.observeUpgrade(req, socket);
      api.handleUpgrade(req, socket, head);
    });
    server.on('tlsClientError', (err) => log.debug({ module: 'apiserver', err: err.message }, 'tls handshake failed'));

    const running = api.start(apiStop.signal);
    apiRun = running;
    await Promise.race([api.ready(), running.then(() => { throw new Error('api server stopped before it was ready'); })]);
    const port = await listen(server, apiCfg.port, apiCfg.bind);
    const url = serverUrl(apiCfg.bind, port);
    const kubeconfigPath = join(apiCfg.dataDir, 'kubeconfig.yaml');
    writeKubeconfig(kubeconfigPath, { server: url, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem, user: ADMIN_USER, context: 'kedge', cluster: 'kedge' });

    const client = createKubeClient({ server: url, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem, userAgent: COMPONENT });
    const informers = createInformerFactory(client, log);
    const recorder = createEventRecorder(client, COMPONENT, log);
    const controllers = createControllers(
      { client, informers, log, recorder },
      { enabled: enabledControllers(cfg), nodeLifecycle: cfg.controllers.nodeLifecycle },
    );
    const modules: Module[] = [
      // Started above (the listener needs it ready); this module only turns its failure into a shutdown.
      { name: 'apiserver', start: (s) => watchApi(running, s) },
      { name: 'informers', start: (s) => informers.start(s) },
      ...controllers,
    ];
    if (cfg.cloudcore.enable) {
      // Its own loopback client: edge traffic gets its own rate limit and user agent, and like every other
      // component CloudCore reaches the state only through the API.
      const ccClient = createKubeClient({ server: url, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem, userAgent: CLOUDCORE, ...cloudCoreClientLimits(cfg.cloudcore) });
      const ccRecorder = createEventRecorder(ccClient, CLOUDCORE, log);
      modules.push({ name: 'cloudcore', start: (s) => runCloudCore(cfg.cloudcore, { client: ccClient, informers, recorder: ccRecorder, log, ...(stream ? { stream } : {}), onHub: (hub) => { fleet.attach(hub); metrics.watchHub(hub); } }, s, out).finally(() => Promise.race([ccRecorder.flush(), delay(2_000)])) });
    }
    log.info({ url, kubeconfig: kubeconfigPath, storage: cfg.storage.type, controllers: controllers.map((c: Module) => c.name) }, 'kedge server ready');
    out(`kedge server listening on ${url}`);
    out(`kubeconfig: ${kubeconfigPath}`);
    out(`export KUBECONFIG=${kubeconfigPath}`);
    if (dashboard) out(`dashboard: ${url}/dashboard/ (sign in with the token in ${join(pki.dir, 'admin.token')})`);
    if (cfg.cloudcore.enable) out(`join token: kedge gettoken --kubeconfig ${kubeconfigPath}`);
    await runModules(modules, stop.signal, log);
    await Promise.race([recorder.flush(), delay(2_000)]);
  } finally {
    stop.abort();
    apiStop.abort();
    signal.removeEventListener('abort', onAbort);
    // Watches are closed by the API server; this drops idle keep-alive sockets so close() returns.
    server.closeAllConnections();
    if (server.listening) await new Promise<void>((r) => server.close(() => r()));
    await apiRun?.catch((err) => log.error({ err }, 'api server failed during shutdown'));
    await backend.close();
    log.info('kedge server stopped');
  }
}
