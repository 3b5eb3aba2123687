import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Absolute path of `kubectl` on PATH, or undefined. */
export function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, 'kubectl');
    try { accessSync(p, constants.X_OK); return p; } catch { /* keep looking */ }
  }
  return undefined;
}

/** Why kubectl tests must be skipped, or undefined when kubectl is available. */
export function kubectlSkipReason(): string | undefined {
  return findKubectl() ? undefined : `kubectl not found on PATH: ${process.env.PATH ?? ''}`;
}

export interface KubectlResult { code: number | null; stdout: string; stderr: string }
export interface KubectlOptions { input?: string; timeoutMs?: number }

export interface KubectlStream {
  child: ChildProcess;
  output(): string;
  stderr(): string;
  /** Resolves once stdout matches `re`; rejects after `timeoutMs` or when the process exits first. */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(): Promise<void>;
}

export interface Kubectl {
  (args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** Long-running kubectl (e.g. `get -w`); killed by `dispose()` if still running. */
  stream(args: string[]): KubectlStream;
  /** The isolated HOME; its cache dir is `<home>/cache`. */
  home: string;
  dispose(): Promise<void>;
}

/**
 * kubectl bound to one kubeconfig with its own HOME and --cache-dir, so discovery and OpenAPI
 * caches never leak between tests or runs (kubectl keeps discovery for 6 h).
 */
export function kubectlFor(kubeconfig: string, t?: { after(fn: () => unknown): void }): Kubectl {
  const bin = findKubectl() ?? 'kubectl';
  const home = mkdtempSync(join(tmpdir(), 'kedge-kubectl-'));
  mkdirSync(join(home, 'cache'));
  const env = { ...process.env, HOME: home, KUBECONFIG: kubeconfig, NO_COLOR: '1' };
  delete (env as Record<string, string | undefined>).KUBECTL_EXTERNAL_DIFF;
  const base = ['--kubeconfig', kubeconfig, '--cache-dir', join(home, 'cache')];
  const streams = new Set<KubectlStream>();

  const run = ((args: string[], opts: KubectlOptions = {}) => new Promise<KubectlResult>((resolve, reject) => {
    const child = spawn(bin, [...base, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kubectl ${args.join(' ')}: no exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.on('error', () => { /* kubectl may exit before reading stdin */ });
    child.stdin.end(opts.input ?? '');
  })) as Kubectl;

  run.stream = (args) => {
    const child = spawn(bin, [...base, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<void>((r) => child.once('close', () => r()));
    const s: KubectlStream = {
      child,
      output: () => out,
      stderr: () => err,
      waitForOutput(re, timeoutMs = 15_000) {
        return new Promise((resolve, reject) => {
          const check = () => { const m = out.match(re); if (m) { done(); resolve(m); } };
          const onClose = () => { done(); reject(new Error(`kubectl ${args.join(' ')} exited before ${re}\nstdout: ${out}\nstderr: ${err}`)); };
          const timer = setTimeout(() => { done(); reject(new Error(`kubectl ${args.join(' ')}: no ${re} within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`)); }, timeoutMs);
          const done = () => { clearTimeout(timer); child.stdout!.off('data', check); child.off('close', onClose); };
          child.stdout!.on('data', check);
          child.once('close', onClose);
          check();
        });
      },
      async kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
        streams.delete(s);
      },
    };
    streams.add(s);
    return s;
  };
  run.home = home;
  run.dispose = async () => {
    await Promise.all([...streams].map((s) => s.kill()));
    rmSync(home, { recursive: true, force: true });
  };
  t?.after(() => run.dispose());
  return run;
}
