import { join } from 'node:path';
import { containerdLayout, criAnswers, systemContainerdSocket } from '../containerd/index.js';
import { createCriClient, type CriClient } from '../cri/index.js';

export interface RuntimeLocation {
  /** edged.runtimeEndpoint: `unix:///path` or a bare path; empty means "find it". */
  runtimeEndpoint: string;
  dataDir: string;
}

/**
 * The CRI socket Edged is using, found the way Edged chose it (configured endpoint, else the system
 * containerd, else the private one under `<dataDir>/containerd`) but without starting anything: logs
 * and exec only look at what runs. undefined when no runtime answers.
 */
export async function findRuntimeSocket(o: RuntimeLocation): Promise<string | undefined> {
  if (o.runtimeEndpoint) return o.runtimeEndpoint.replace(/^unix:\/\//, '');
  if (await criAnswers(systemContainerdSocket)) return systemContainerdSocket;
  const own = containerdLayout(join(o.dataDir, 'containerd')).socket;
  return (await criAnswers(own)) ? own : undefined;
}

/**
 * A lazily found CRI client for the stream sessions: looked up again while there is none, so a runtime
 * that Edged starts after EdgeStream connected is picked up.
 */
export function lazyRuntime(o: RuntimeLocation): { get(): Promise<CriClient | undefined>; close(): void } {
  let client: CriClient | undefined;
  let finding: Promise<CriClient | undefined> | undefined;
  return {
    get() {
      if (client) return Promise.resolve(client);
      finding ??= findRuntimeSocket(o)
        .then((socket) => (client = socket ? createCriClient({ socket, timeoutMs: 30_000 }) : undefined))
        .finally(() => (finding = undefined));
      return finding;
    },
    close() {
      client?.close();
      client = undefined;
    },
  };
}
