import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnKedge, terminate, waitForLines, type CliProc } from './proc.js';

export interface StartOptions {
  /** Reused across restarts; a fresh temp dir (removed by stop()) when omitted. */
  dataDir?: string;
  extraArgs?: string[];
  /** Test context: `stop()` is registered with `t.after()` so a failing test still kills the server. */
  t?: { after(fn: () => unknown): void };
  readyTimeoutMs?: number;
}

export interface KedgeServer {
  url: string;
  kubeconfig: string;
  dataDir: string;
  pid(): number;
  /** SIGTERM, wait for exit (SIGKILL after 10 s); removes the data dir when the harness created it. Resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGTERM and start again on the same data dir; url/kubeconfig are updated in place. Resolves with the old process's exit code. */
  restart(): Promise<number | null>;
  /** The last `n` characters of the server's stderr (JSON logs), for failure messages. */
  stderrTail(n?: number): string;
}

// CloudHub and the certificate server on free ports too, so parallel servers never collide on :10000/:10002.
const launch = (dataDir: string, extraArgs: string[]): CliProc =>
  spawnKedge(['server', '--data-dir', dataDir, '--port', '0', '--bind', '127.0.0.1', '--storage', 'sqlite', '--cloudhub-port', '0', '--certserver-port', '0', '--tunnel-port', '0', ...extraArgs]);

async function waitReady(p: CliProc, timeoutMs: number): Promise<{ url: string; kubeconfig: string }> {
  const [url, kubeconfig] = await waitForLines(p, [/^kedge server listening on (https:\/\/\S+)\s*$/m, /^kubeconfig: (\S+)\s*$/m, /^export KUBECONFIG=/m], timeoutMs, 'kedge server');
  return { url: url!, kubeconfig: kubeconfig! };
}

/** Spawns `kedge server` from the built CLI and waits for its ready lines. */
export async function startKedgeServer(opts: StartOptions = {}): Promise<KedgeServer> {
  const owned = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kedge-e2e-'));
  const extra = opts.extraArgs ?? [];
  const readyMs = opts.readyTimeoutMs ?? 30_000;
  // spawnKedge registers each process with reapOnExit, the last resort if after() hooks never run.
  let proc = launch(dataDir, extra);
  let ready: { url: string; kubeconfig: string };
  try {
    ready = await waitReady(proc, readyMs);
  } catch (err) {
    if (owned) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  const server: KedgeServer = {
    url: ready.url,
    kubeconfig: ready.kubeconfig,
    dataDir,
    pid: () => proc.child.pid ?? 0,
    async stop() {
      if (stopped) return proc.exit;
      stopped = true;
      const code = await terminate(proc);
      if (owned) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
    async restart() {
      const code = await terminate(proc);
      proc = launch(dataDir, extra);
      const r = await waitReady(proc, readyMs);
      server.url = r.url;
      server.kubeconfig = r.kubeconfig;
      return code;
    },
    stderrTail: (n = 4000) => proc.err.slice(-n),
  };
  opts.t?.after(() => server.stop());
  return server;
}
