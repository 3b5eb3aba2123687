import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '@kedge/core';
import { containerdLayout, criAnswers, defaultCniBridge, findBinary, startPrivateContainerd, systemContainerdSocket } from '../containerd/index.js';
import { createCriClient } from '../cri/index.js';
import { removePods } from '../edged/remove-pods.js';
import { openMetaStore } from '../metamanager/index.js';

/** Files whose presence marks a directory as one `kedge join`/`kedge up` made (so reset never wipes an unrelated dir). */
const EDGE_MARKERS = ['edge.yaml', 'edge.db', 'certs'];

export function isEdgeDataDir(dir: string): boolean {
  return EDGE_MARKERS.some((m) => existsSync(join(dir, m)));
}

export interface EdgeResetResult {
  podsRemoved: number;
  unmounted: number;
  shimsKilled: number;
}

/** Pod UIDs in the edge cache: the only pods reset may remove from a runtime kedge does not own. */
function cachedPodUids(dataDir: string): Set<string> {
  const db = join(dataDir, 'edge.db');
  if (!existsSync(db)) return new Set();
  const store = openMetaStore({ path: db });
  try {
    return new Set(store.list('pod').map((p) => p.metadata.uid ?? '').filter(Boolean));
  } finally {
    store.close();
  }
}

/** containerd shims serving the private instance at `socket` (they outlive containerd by design). */
function killShims(socket: string): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmd.includes('containerd-shim') || !cmd.includes(socket)) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
      n++;
    } catch {
      // already gone
    }
  }
  return n;
}

/** Mount points under `dir` (overlay rootfs, shm, netns), deepest first, from /proc/self/mountinfo. */
function mountsUnder(dir: string): string[] {
  let info: string;
  try {
    info = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const prefix = resolve(dir) + '/';
  return info.split('\n').map((l) => l.split(' ')[4] ?? '').map((p) => p.replace(/\\040/g, ' '))
    .filter((p) => p.startsWith(prefix)).sort((a, b) => b.length - a.length);
}

/**
 * Undoes `kedge join` on this machine (issue 6, `kedge reset`): removes the node's pods from the runtime
 * (every pod of a private containerd; from a shared runtime only the pods in this node's cache), stops the
 * private containerd and its shims, unmounts what the runtime left mounted, then deletes the data dir.
 */
export async function resetEdge(dataDir: string, log: Logger): Promise<EdgeResetResult> {
  const dir = resolve(dataDir);
  if (!isEdgeDataDir(dir)) throw new Error(`${dir} does not look like a kedge edge data dir (no ${EDGE_MARKERS.join(', ')})`);
  const result: EdgeResetResult = { podsRemoved: 0, unmounted: 0, shimsKilled: 0 };
  const privateDir = join(dir, 'containerd');
  const layout = containerdLayout(privateDir);
  if (existsSync(privateDir) && findBinary('containerd')) {
    const running = await startPrivateContainerd({ dir: privateDir, log, startTimeoutMs: 20_000 });
    const cri = createCriClient({ socket: running.socket, timeoutMs: 30_000 });
    try {
      result.podsRemoved += await removePods(cri, () => true);
    } finally {
      cri.close();
      await running.stop();
    }
    result.shimsKilled = killShims(layout.socket);
  } else {
    const uids = cachedPodUids(dir);
    if (uids.size > 0 && (await criAnswers(systemContainerdSocket))) {
      const cri = createCriClient({ socket: systemContainerdSocket, timeoutMs: 30_000 });
      try {
        result.podsRemoved += await removePods(cri, (uid) => uids.has(uid));
      } finally {
        cri.close();
      }
    }
  }
  // The private containerd's CNI bridge is host-global and outlives it; once no pod is attached, it goes too.
  if (existsSync(privateDir)) {
    const bridge = `/sys/class/net/${defaultCniBridge}`;
    let members: string[] = [];
    try {
      members = readdirSync(join(bridge, 'brif'));
    } catch {
      // no such bridge
    }
    if (existsSync(bridge) && members.length === 0) spawnSync('ip', ['link', 'del', defaultCniBridge], { stdio: 'ignore', timeout: 5000 });
  }
  for (const m of mountsUnder(dir)) {
    const r = spawnSync('umount', ['-l', m], { stdio: 'ignore' });
    if (r.status === 0) result.unmounted++;
    else log.warn({ mount: m }, 'could not unmount');
  }
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  log.info({ dir, ...result }, 'edge reset');
  return result;
}

/** Size of what reset would delete, for the confirmation prompt. */
export function dirSizeBytes(dir: string): number {
  let total = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      let st;
      try {
        st = lstatSync(p, { throwIfNoEntry: false });
      } catch {
        continue;
      }
      if (!st) continue;
      // lstat: symlinks and container rootfs links are not followed out of the dir.
      if (st.isDirectory()) walk(p);
      else total += st.size;
    }
  };
  if (existsSync(dir)) walk(dir);
  return total;
}
