import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import { join, resolve } from 'node:path';
import { R, isNotFound, type KubeObject } from '@kedge/api';
import { createKubeClient, createLogger, loadKubeconfig, sleep, untilAborted, type KubeClient, type Logger } from '@kedge/core';
import { readTokenFromSecret } from '@kedge/cloud/certserver/index.js';
import { controllerNames } from '@kedge/cloud/controllers/index.js';
import { UserError, loadConfig, runServer } from '@kedge/cloud/server/index.js';
import { bootstrapEdgeCerts } from '@kedge/edge/bootstrap/index.js';
import { loadEdgeConfig, writeEdgeConfig, type EdgeConfig } from '@kedge/edge/config/index.js';
import { runEdgeCore } from '@kedge/edge/edgecore/index.js';
import { DEMO_DEVICE, DEMO_NAMESPACE, ensureDemoDevice } from './demo-device.js';
import { checkPorts } from './ports.js';
import { createProgress, type Progress } from './progress.js';
import { startDemoMapper } from './demo-mapper.js';

export interface UpPorts {
  api: number;
  cloudHub: number;
  certServer: number;
  stream: number;
  metaServer: number;
  mqtt: number;
  mapperRest: number;
  edgeMetrics: number;
}

export interface UpOptions {
  dataDir: string;
  nodeName: string;
  ports: UpPorts;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Terminal output (progress, the summary). */
  write: (s: string) => void;
  tty: boolean;
  /** Skip the demo device and mapper. */
  noDemo?: boolean;
}

/** What `kedge up` started, for the summary and for tests. */
export interface UpInfo {
  apiUrl: string;
  kubeconfig: string;
  dashboardUrl: string;
  cloudHub: string;
  nodeName: string;
  logFile: string;
}

/** Polls `fn` until it returns a value, the signal aborts, or `timeoutMs` passes (then throws `what`). */
async function until<T>(what: string, timeoutMs: number, signal: AbortSignal, fn: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (!signal.aborted) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`${what} (waited ${timeoutMs / 1000} s)${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(250, signal);
  }
  throw new Error('interrupted');
}

/** Runs a long-lived component; its failure (not a clean stop) aborts everything else. */
function background(name: string, run: () => Promise<void>, fail: (err: Error) => void, stopping: AbortSignal): Promise<void> {
  return run().then(
    () => {
      if (!stopping.aborted) fail(new Error(`${name} stopped unexpectedly`));
    },
    (err: Error) => fail(err),
  );
}

const readyCondition = (node: KubeObject) =>
  ((node.status?.conditions ?? []) as Array<{ type: string; status: string }>).find((c) => c.type === 'Ready')?.status === 'True';

/**
 * `kedge up` (issue 6): the control plane, CloudCore, one local edge node joined with a fresh token,
 * containerd when installed, the virtual mapper with a demo device, and the dashboard, in this process.
 * State lives in `dataDir` (cloud/ and edge/), so a second run resumes the same cluster. Logs go to
 * `<dataDir>/kedge.log`; the terminal gets progress and then what runs where.
 */
export async function runUp(o: UpOptions, signal: AbortSignal): Promise<void> {
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logFile = join(dataDir, 'kedge.log');
  const logStream = createWriteStream(logFile, { flags: 'a' });
  const log: Logger = createLogger({ level: o.logLevel, name: 'kedge', destination: logStream });
  const progress: Progress = createProgress({ write: o.write, tty: o.tty });

  await checkPorts([
    { port: o.ports.api, what: 'API server', flag: '--port' },
    { port: o.ports.cloudHub, what: 'CloudHub', flag: '--cloudhub-port' },
    { port: o.ports.certServer, what: 'certificate server', flag: '--certserver-port' },
    { port: o.ports.stream, what: 'stream tunnel', flag: '--tunnel-port' },
    { port: o.ports.metaServer, what: 'edge MetaServer', flag: '--metaserver-port' },
    { port: o.ports.mqtt, what: 'MQTT broker', flag: '--mqtt-port' },
    { port: o.ports.edgeMetrics, what: 'edge metrics', flag: '--edge-metrics-port' },
    ...(o.noDemo ? [] : [{ port: o.ports.mapperRest, what: 'demo mapper REST API', flag: '--mapper-port' }]),
  ]);

  // Everything stops together: Ctrl-C, or the first component that fails.
  const stop = new AbortController();
  let failure: Error | undefined;
  const fail = (err: Error) => {
    if (stop.signal.aborted) return;
    failure = err;
    log.error({ err }, 'component failed; stopping');
    stop.abort(err);
  };
  const onAbort = () => stop.abort(signal.reason);
  if (signal.aborted) stop.abort(signal.reason);
  else signal.addEventListener('abort', onAbort, { once: true });
  const running: Promise<void>[] = [];
  const lines: string[] = [];
  const collect = (line: string) => {
    lines.push(line);
    log.info({ line }, 'component output');
  };
  const lineMatching = (re: RegExp) => lines.map((l) => l.match(re)).find(Boolean);
  // Every component listens on this signal; more than Node's default 10 listeners is expected here.
  setMaxListeners(100, stop.signal);
  /** `p`, or a rejection as soon as something else fails (a step must not wait out its timeout then). */
  const guard = <T>(p: Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
    const onStop = () => reject(failure ?? new Error('interrupted'));
    stop.signal.addEventListener('abort', onStop, { once: true });
    p.then(resolve, reject).finally(() => stop.signal.removeEventListener('abort', onStop));
  });

  try {
    const cloudDir = join(dataDir, 'cloud');
    const serverCfg = loadConfig({
      flags: {
        apiserver: { dataDir: cloudDir, port: o.ports.api },
        cloudcore: { cloudHub: { bind: '127.0.0.1', port: o.ports.cloudHub }, certServer: { bind: '127.0.0.1', port: o.ports.certServer }, cloudStream: { bind: '127.0.0.1', tunnelPort: o.ports.stream } },
      },
      controllerNames,
      stderrIsTTY: false,
    });
    const cloud = await progress.step('control plane and CloudCore', () => guard((async () => {
      running.push(background('control plane', () => runServer(serverCfg, log, stop.signal, collect), fail, stop.signal));
      const api = await until('API server did not start', 60_000, stop.signal, async () => lineMatching(/^kedge server listening on (\S+)/)?.[1]);
      const hub = await until('CloudHub did not start', 60_000, stop.signal, async () => lineMatching(/^cloudhub listening on wss:\/\/(\S+)/)?.[1]);
      const cert = await until('certificate server did not start', 60_000, stop.signal, async () => lineMatching(/^certificate server listening on (\S+)/)?.[1]);
      // The tunnel is optional (logs/exec only): a port problem is reported, not fatal.
      const tunnel = await until('stream tunnel did not start', 30_000, stop.signal, async () => lines.find((l) => /^stream tunnel (not )?listening/.test(l)));
      const tunnelPort = tunnel.match(/^stream tunnel listening on \S+:(\d+)$/)?.[1];
      if (!tunnelPort) progress.warn('stream tunnel', `${tunnel}; choose another port with --tunnel-port`);
      return { api, hub, cert, tunnelPort };
    })()), (c) => c.api);
    const kubeconfig = join(cloudDir, 'kubeconfig.yaml');
    const client: KubeClient = createKubeClient({ ...loadKubeconfig(kubeconfig), userAgent: 'kedge-up', timeoutMs: 10_000 });

    const edgeDir = join(dataDir, 'edge');
    const edgeCfg: EdgeConfig = loadEdgeConfig(undefined, {
      dataDir: edgeDir,
      node: { name: o.nodeName },
      edgeHub: { server: cloud.hub, certServer: cloud.cert },
      edgeStream: { server: cloud.hub.replace(/:\d+$/, `:${cloud.tunnelPort ?? o.ports.stream}`) },
      metaServer: { port: o.ports.metaServer },
      eventBus: { port: o.ports.mqtt },
      metrics: { port: o.ports.edgeMetrics },
      // Ctrl-C leaves no process behind (issue 6); the next `kedge up` recreates the pods from the cache.
      edged: { stopPodsOnExit: true },
      log: { level: o.logLevel },
    });
    const joined = existsSync(edgeCfg.edgeHub.tls.certFile);
    await progress.step(joined ? `edge node ${o.nodeName} (already joined)` : `join edge node ${o.nodeName}`, () => guard((async () => {
      if (joined) return;
      const token = await until('no join token', 30_000, stop.signal, () => readTokenFromSecret(client).catch((err) => {
        if (isNotFound(err)) return undefined;
        throw err;
      }));
      await bootstrapEdgeCerts({ certServer: edgeCfg.edgeHub.certServer, token, nodeName: o.nodeName, dir: join(edgeDir, 'certs'), log, timeoutMs: 15_000 });
    })()));
    writeEdgeConfig(join(edgeDir, 'edge.yaml'), edgeCfg);

    await progress.step(`EdgeCore on ${o.nodeName}`, () => guard((async () => {
      running.push(background('EdgeCore', () => runEdgeCore(edgeCfg, log, stop.signal, collect), fail, stop.signal));
      await until(`node ${o.nodeName} did not become Ready`, 90_000, stop.signal, async () => {
        const node = await client.get(R.nodes, undefined, o.nodeName).catch((err) => {
          if (isNotFound(err)) return undefined;
          throw err;
        });
        return node && readyCondition(node) ? true : undefined;
      });
    })()), () => 'node Ready');

    // Edged prints one line: `edged running pods on …`, or `edged: <why there is no runtime>` (its fallback).
    const runtimeLine = await until('edge runtime not reported', 60_000, stop.signal, async () => lines.find((l) => l.startsWith('edged'))).catch(() => 'edged: runtime not reported');
    if (runtimeLine.startsWith('edged:')) progress.warn('container runtime', runtimeLine);
    else o.write(`✔ container runtime — ${runtimeLine}\n`);

    if (!o.noDemo) {
      await progress.step('demo device and virtual mapper', () => guard((async () => {
        await ensureDemoDevice(client, o.nodeName);
        running.push(background('virtual mapper', () => startDemoMapper({ dmiSocket: edgeCfg.deviceTwin.dmiSocket, dataDir: join(dataDir, 'mapper'), restPort: o.ports.mapperRest, log, signal: stop.signal }), fail, stop.signal));
        return await until('demo device twin not reported', 60_000, stop.signal, async () => {
          const d = await client.get(R.devices, DEMO_NAMESPACE, DEMO_DEVICE);
          const twins = (d.status?.twins ?? []) as Array<{ propertyName: string; reported?: { value?: string } }>;
          return twins.find((t) => t.propertyName === 'temperature' && t.reported?.value !== undefined)?.reported?.value;
        });
      })()), (v) => `temperature ${v} °C`);
    }

    const token = readFileSync(join(cloudDir, 'pki', 'admin.token'), 'utf8').trim();
    const info: UpInfo = {
      apiUrl: cloud.api,
      kubeconfig,
      dashboardUrl: `${cloud.api}/dashboard/#token=${token}`,
      cloudHub: cloud.hub,
      nodeName: o.nodeName,
      logFile,
    };
    o.write(summary(info, o.noDemo));
    await untilAborted(stop.signal);
  } catch (err) {
    // Ctrl-C during startup is a clean stop, not a failure.
    if (!signal.aborted) failure ??= err as Error;
  } finally {
    stop.abort();
    signal.removeEventListener('abort', onAbort);
    o.write('stopping…\n');
    await Promise.allSettled(running);
    await new Promise<void>((r) => logStream.end(() => r()));
  }
  if (failure) throw new UserError(`kedge up failed: ${failure.message} (details in ${logFile})`, { cause: failure });
}

export function summary(i: UpInfo, noDemo = false): string {
  return [
    '',
    `kedge is up: API ${i.apiUrl}, CloudHub wss://${i.cloudHub}, edge node ${i.nodeName}`,
    '',
    `  export KUBECONFIG=${i.kubeconfig}`,
    '',
    `  dashboard: ${i.dashboardUrl}`,
    `  logs:      ${i.logFile}`,
    '',
    'Try:',
    '  kubectl get nodes -o wide',
    noDemo ? '  kubectl get pods -A' : `  kubectl get device ${DEMO_DEVICE} -o yaml     # the twin changes every few seconds`,
    `  kubectl create deployment hello --image=kedge.local/busybox:1.35 -- sleep 3600 && kubectl get pods -w`,
    '',
    'Press Ctrl-C to stop; run `kedge up` again to resume this cluster, `kedge reset` to remove it.',
    '',
  ].join('\n');
}
