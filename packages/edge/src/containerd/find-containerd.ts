import type { Logger } from '@kedge/core';
import { criAnswers, startPrivateContainerd, type PrivateContainerdOptions, type RunningContainerd } from './private-containerd.js';

export const systemContainerdSocket = '/run/containerd/containerd.sock';

export interface FindContainerdOptions extends Omit<PrivateContainerdOptions, 'log'> {
  log: Logger;
  /** A socket from the edge config; when set, it must answer (no fallback hides a misconfiguration). */
  socket?: string;
  /** The system containerd's socket, tried second (default /run/containerd/containerd.sock). */
  systemSocket?: string;
}

/**
 * The runtime the edge talks to: the configured socket, else a system containerd whose CRI plugin
 * answers, else a private containerd started under `dir`.
 */
export async function findContainerd(opts: FindContainerdOptions): Promise<RunningContainerd> {
  const log = opts.log.child({ module: 'containerd' });
  const external = (socket: string): RunningContainerd => ({ socket, pid: 0, private: false, stop: async () => {} });
  if (opts.socket) {
    if (!(await criAnswers(opts.socket, 5000))) throw new Error(`no CRI runtime answers on the configured socket ${opts.socket}`);
    log.info({ socket: opts.socket }, 'using configured container runtime');
    return external(opts.socket);
  }
  const system = opts.systemSocket ?? systemContainerdSocket;
  if (await criAnswers(system)) {
    log.info({ socket: system }, 'using system containerd');
    return external(system);
  }
  return startPrivateContainerd(opts);
}
