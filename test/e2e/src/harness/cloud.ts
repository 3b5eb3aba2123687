import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeHttp, readKubeconfig } from './kube-http.js';
import { freePorts } from './ports.js';
import { runKedge, spawnKedge, terminate, waitForLines, type CliProc } from './proc.js';

export interface CloudOptions {
  /** Extra `kedge server` flags (e.g. a shorter node-lifecycle grace period through --config). */
  extraArgs?: string[];
  readyTimeoutMs?: number;
  /** Test context: `stop()` is registered with `after()` so a failing test still kills the process. */
  t?: { after(fn: () => unknown): void };
}

export interface Cloud {
  /** https://127.0.0.1:<port> of the API server; updated by restart(). */
  apiUrl: string;
  kubeconfig: string;
  /** Admin client over the kubeconfig's certificate; recreated by restart(). */
  kube: KubeHttp;
  /** CloudHub and certificate server ports are fixed for the life of the Cloud (they survive restarts). */
  hubPort: number;
  certServerPort: number;
  /** The stream tunnel (kubectl logs/exec), fixed like the hub port. */
  tunnelPort: number;
  tunnelAddress: string;
  hubAddress: string;
  certServerUrl: string;
  dataDir: string;
  /** The current join token, through `kedge gettoken`. */
  getToken(): Promise<string>;
  /** SIGTERM and start again on the same data dir and hub/cert ports; resolves with the old exit code. */
  restart(): Promise<number | null>;
  /** SIGTERM without starting again (restart() can still bring it back later via start()). */
  kill(): Promise<number | null>;
  start(): Promise<void>;
  stop(): Promise<void>;
  stderrTail(n?: number): string;
}

/**
 * Spawns `kedge server` with the API on a free port and CloudHub/certificate server on ports picked up
 * front, so a restarted server comes back where edges and fault proxies expect it.
 */
export async function startCloud(opts: CloudOptions = {}): Promise<Cloud> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kedge-cloud-e2e-'));
  const [hubPort, certServerPort, tunnelPort] = await freePorts(3) as [number, number, number];
  const readyMs = opts.readyTimeoutMs ?? 30_000;
  const args = [
    'server', '--data-dir', dataDir, '--port', '0', '--bind', '127.0.0.1', '--storage', 'sqlite',
    '--cloudhub-port', String(hubPort), '--certserver-port', String(certServerPort), '--tunnel-port', String(tunnelPort), '--log-level', 'debug',
    ...(opts.extraArgs ?? []),
  ];
  let proc: CliProc | undefined;
  let stopped = false;

  const cloud: Cloud = {
    apiUrl: '',
    kubeconfig: '',
    kube: undefined as unknown as KubeHttp,
    hubPort,
    certServerPort,
    tunnelPort,
    tunnelAddress: `127.0.0.1:${tunnelPort}`,
    hubAddress: `127.0.0.1:${hubPort}`,
    certServerUrl: `https://127.0.0.1:${certServerPort}`,
    dataDir,
    async start() {
      proc = spawnKedge(args);
      const [url, kubeconfig] = await waitForLines(proc, [
        /^kedge server listening on (https:\/\/\S+)\s*$/m,
        /^kubeconfig: (\S+)\s*$/m,
        /^cloudhub listening on (wss:\/\/\S+)\s*$/m,
        /^certificate server listening on (https:\/\/\S+)\s*$/m,
      ], readyMs, 'kedge server');
      cloud.apiUrl = url!;
      cloud.kubeconfig = kubeconfig!;
      cloud.kube?.close();
      cloud.kube = new KubeHttp(readKubeconfig(kubeconfig!));
    },
    async kill() {
      const code = proc ? await terminate(proc) : null;
      return code;
    },
    async restart() {
      const code = await cloud.kill();
      await cloud.start();
      return code;
    },
    async getToken() {
      const r = await runKedge(['gettoken', '--kubeconfig', cloud.kubeconfig], 20_000);
      const token = r.out.trim();
      if (r.code !== 0 || !/^[0-9a-f]{64}\.[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) {
        throw new Error(`kedge gettoken exited ${r.code}: stdout ${JSON.stringify(r.out)} stderr ${r.err.slice(-2000)}`);
      }
      return token;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await cloud.kill();
      cloud.kube?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    stderrTail: (n = 4000) => proc?.err.slice(-n) ?? '',
  };
  opts.t?.after(() => cloud.stop());
  try {
    await cloud.start();
  } catch (err) {
    await cloud.stop();
    throw err;
  }
  return cloud;
}
