import { spawn, type ChildProcess } from 'node:child_process';
import { cliMain } from './paths.js';
import { reapOnExit } from './reaper.js';

/** A spawned `kedge` CLI process with its output captured (stderr bounded) and its exit awaited. */
export interface CliProc {
  child: ChildProcess;
  out: string;
  err: string;
  exit: Promise<number | null>;
  exited(): boolean;
}

export function spawnKedge(args: string[]): CliProc {
  const child = reapOnExit(spawn(process.execPath, [cliMain, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } }));
  const p: CliProc = {
    child,
    out: '',
    err: '',
    exit: new Promise((r) => child.once('close', (code, sig) => r(code ?? (sig ? -1 : null)))),
    exited: () => child.exitCode !== null || child.signalCode !== null,
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (p.out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    p.err += d;
    if (p.err.length > 2_000_000) p.err = p.err.slice(-1_000_000);
  });
  // reapOnExit kills it if the test process dies before its after() hooks run.
  return p;
}

/** Waits until every pattern matches stdout; returns the first capture group of each. */
export async function waitForLines(p: CliProc, patterns: RegExp[], timeoutMs: number, what: string): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = patterns.map((re) => p.out.match(re));
    if (m.every(Boolean)) return m.map((x) => x![1] ?? x![0]);
    if (p.exited()) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const why = p.exited() ? `exited with ${p.child.exitCode ?? p.child.signalCode}` : `not ready within ${timeoutMs} ms`;
  p.child.kill('SIGKILL');
  throw new Error(`${what} ${why}\nstdout: ${p.out}\nstderr: ${p.err.slice(-4000)}`);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
export async function terminate(p: CliProc, graceMs = 10_000): Promise<number | null> {
  if (p.exited()) return p.exit;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  try { return await p.exit; } finally { clearTimeout(timer); }
}

/** Runs a short-lived `kedge` command to completion (killed after `timeoutMs`). */
export async function runKedge(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawnKedge(args);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  try {
    const code = await p.exit;
    return { code, out: p.out, err: p.err };
  } finally {
    clearTimeout(timer);
  }
}
