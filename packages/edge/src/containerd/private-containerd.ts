import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Logger } from '@kedge/core';
import { createCriClient } from '../cri/index.js';
import { containerdLayout, overlaySupported, renderCniConflist, renderContainerdConfig, type CniOptions } from './config.js';

export const installHint = 'apt-get install containerd runc containernetworking-plugins';

export interface RunningContainerd {
  socket: string;
  /** PID of the containerd process; 0 for a runtime kedge did not start. */
  pid: number;
  /** True when kedge started (or re-adopted) this containerd and owns its lifetime. */
  private: boolean;
  /** The CRI plugin's snapshotter (for unpacking imported images into the same one); unknown for others. */
  snapshotter?: 'overlayfs' | 'native';
  /** Stops a private containerd (SIGTERM, then SIGKILL); a no-op for others. Containers keep running in their shims. */
  stop(): Promise<void>;
}

export interface PrivateContainerdOptions {
  /** Holds config, root (images; kept across restarts), state, socket, CNI config and the log. */
  dir: string;
  log: Logger;
  /** Aborting stops the containerd. */
  signal?: AbortSignal;
  sandboxImage?: string;
  cni?: Omit<CniOptions, 'ipamDataDir'>;
  /** How long to wait for CRI to answer (default 20 s). */
  startTimeoutMs?: number;
  /** How long SIGTERM may take before SIGKILL (default 5 s). */
  stopTimeoutMs?: number;
  /** Override of the binary, for tests and unusual installs. */
  binary?: string;
}

/** Absolute path of an executable on PATH or in the sbin dirs a non-root PATH often lacks. */
export function findBinary(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** True when a CRI v1 runtime answers Version on `socket` within `timeoutMs`. */
export async function criAnswers(socket: string, timeoutMs = 2000): Promise<boolean> {
  if (!existsSync(socket)) return false;
  const c = createCriClient({ socket, timeoutMs });
  try {
    await c.version({});
    return true;
  } catch {
    return false;
  } finally {
    c.close();
  }
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitExit(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

function snapshotterOf(configFile: string): 'overlayfs' | 'native' | undefined {
  try {
    return /snapshotter = "native"/.test(readFileSync(configFile, 'utf8')) ? 'native' : 'overlayfs';
  } catch {
    return undefined;
  }
}

function tail(file: string, lines = 5): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join(' | ');
  } catch {
    return '';
  }
}

/**
 * Starts containerd with its own root, state and socket under `dir`, writes the CNI bridge conflist, and
 * resolves once CRI answers. A containerd left running on the same dir by an earlier EdgeCore (its pid
 * file names a live process and the socket answers) is adopted instead of started twice.
 */
export async function startPrivateContainerd(opts: PrivateContainerdOptions): Promise<RunningContainerd> {
  const log = opts.log.child({ module: 'containerd' });
  const l = containerdLayout(opts.dir);
  const stopTimeout = opts.stopTimeoutMs ?? 5000;

  const makeHandle = (pid: number, snapshotter?: 'overlayfs' | 'native'): RunningContainerd => {
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (!alive(pid)) return;
        process.kill(pid, 'SIGTERM');
        if (!(await waitExit(pid, stopTimeout))) {
          log.warn({ pid, timeoutMs: stopTimeout }, 'containerd ignored sigterm, killing');
          process.kill(pid, 'SIGKILL');
          await waitExit(pid, 2000);
        }
        rmSync(l.pidFile, { force: true });
        log.info({ pid }, 'containerd stopped');
      })());
    const onAbort = () => void stop();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    return { socket: l.socket, pid, private: true, snapshotter, stop };
  };

  const oldPid = existsSync(l.pidFile) ? Number(readFileSync(l.pidFile, 'utf8').trim()) : 0;
  if (oldPid > 0 && alive(oldPid) && (await criAnswers(l.socket))) {
    log.info({ pid: oldPid, socket: l.socket }, 'adopted running private containerd');
    return makeHandle(oldPid, snapshotterOf(l.configFile));
  }

  const binary = opts.binary ?? findBinary('containerd');
  if (!binary || !isExecutable(binary)) throw new Error(`containerd is not installed: ${installHint}`);
  if (opts.signal?.aborted) throw new Error('containerd start aborted');

  for (const d of [l.root, l.state, l.cniConfDir, l.cniIpamDir, l.runcRoot]) mkdirSync(d, { recursive: true });
  const snapshotter = overlaySupported(opts.dir) ? 'overlayfs' : 'native';
  writeFileSync(l.configFile, renderContainerdConfig(l, { sandboxImage: opts.sandboxImage, snapshotter }));
  writeFileSync(join(l.cniConfDir, '10-kedge.conflist'), renderCniConflist({ ...opts.cni, ipamDataDir: l.cniIpamDir }));

  const out = openSync(l.logFile, 'a');
  let child;
  try {
    child = spawn(binary, ['--config', l.configFile], { stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid!));
    child.once('error', reject);
  });
  // Not awaited by the event loop: an EdgeCore that exits leaves containerd (and the pods) running.
  child.unref();
  writeFileSync(l.pidFile, `${pid}\n`);
  log.info({ pid, socket: l.socket, snapshotter, logFile: l.logFile }, 'containerd starting');
  const handle = makeHandle(pid, snapshotter);

  const until = Date.now() + (opts.startTimeoutMs ?? 20_000);
  while (!(await criAnswers(l.socket, 1000))) {
    if (!alive(pid) || child.exitCode !== null) {
      rmSync(l.pidFile, { force: true });
      throw new Error(`containerd exited during startup (see ${l.logFile}): ${tail(l.logFile)}`);
    }
    if (Date.now() > until || opts.signal?.aborted) {
      await handle.stop();
      throw new Error(`containerd did not answer on ${l.socket} in time (see ${l.logFile}): ${tail(l.logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  log.info({ pid, socket: l.socket }, 'containerd ready');
  return handle;
}
