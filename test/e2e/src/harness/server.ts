import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMain } from './paths.js';
import { reapOnExit } from './reaper.js';

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

interface Proc { child: ChildProcess; out: string; err: string; exit: Promise<number | null> }

function launch(dataDir: string, extraArgs: string[]): Proc {
  // CloudHub and the certificate server on free ports too, so parallel servers never collide on :10000/:10002.
  const args = [cliMain, 'server', '--data-dir', dataDir, '--port', '0', '--bind', '127.0.0.1', '--storage', 'sqlite', '--cloudhub-port', '0', '--certserver-port', '0', ...extraArgs];
  const child = reapOnExit(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } }));
  const p: Proc = { child, out: '', err: '', exit: new Promise((r) => child.once('exit', (code, sig) => r(code ?? (sig ? -1 : null)))) };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (p.out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    p.err += d;
    // Logs can be chatty; keep memory bounded but enough for a useful failure message.
    if (p.err.length > 2_000_000) p.err = p.err.slice(-1_000_000);
  });
  return p;
}

async function waitReady(p: Proc, timeoutMs: number): Promise<{ url: string; kubeconfig: string }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const url = p.out.match(/^kedge server listening on (https:\/\/\S+)\s*$/m);
    const kc = p.out.match(/^kubeconfig: (\S+)\s*$/m);
    if (url && kc && /^export KUBECONFIG=/m.test(p.out)) return { url: url[1]!, kubeconfig: kc[1]! };
    if (p.child.exitCode !== null || p.child.signalCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const why = p.child.exitCode !== null ? `exited with ${p.child.exitCode}` : `not ready within ${timeoutMs} ms`;
  p.child.kill('SIGKILL');
  throw new Error(`kedge server ${why}\nstdout: ${p.out}\nstderr: ${p.err.slice(-4000)}`);
}

async function terminate(p: Proc): Promise<number | null> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.exit;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
  try { return await p.exit; } finally { clearTimeout(timer); }
}

/** Spawns `kedge server` from the built CLI and waits for its ready lines. */
export async function startKedgeServer(opts: StartOptions = {}): Promise<KedgeServer> {
  const owned = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kedge-e2e-'));
  const extra = opts.extraArgs ?? [];
  const readyMs = opts.readyTimeoutMs ?? 30_000;
  // launch() registers each process with reapOnExit, the last resort if after() hooks never run.
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
