import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled CLI; resolves the same from src/ (tsx) and dist/ (npm test). */
export const mainJs = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');

export function runCli(args: string[], timeoutMs = 20_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Spawned {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `re`; rejects on exit or after `timeoutMs`. */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code; rejects after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | null>;
}

// Last line of defence: a test whose cleanup failed (or a runner that force-exits the file) must not
// leave kedge processes holding ports and temp dirs behind. 'exit' handlers may only do sync work; kill is.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export function spawnCli(args: string[]): Spawned {
  const child = spawn(process.execPath, [mainJs, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(re);
          if (m) { cleanup(); resolve(m); }
        };
        const timer = setTimeout(() => { cleanup(); reject(new Error(`timed out waiting for ${re}; stdout: ${out}\nstderr: ${err}`)); }, timeoutMs);
        const onExit = (code: number | null) => { cleanup(); reject(new Error(`exited with ${code} before ${re}; stderr: ${err}`)); };
        const cleanup = () => { clearTimeout(timer); child.stdout!.off('data', check); child.off('exit', onExit); };
        child.stdout!.on('data', check);
        child.once('exit', onExit);
        check();
      });
    },
    exited(timeoutMs) {
      let timer: NodeJS.Timeout;
      return Promise.race([
        exit.finally(() => clearTimeout(timer)),
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs); }),
      ]);
    },
  };
}
