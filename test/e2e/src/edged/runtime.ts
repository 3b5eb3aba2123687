// Helpers for the Edged suites (issue 4): the edge's private containerd seen through CRI, a clean
// teardown of what the pods left in it, and an edge "reboot" (containerd, shims and containers gone).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { silentLogger } from '@kedge/core';
import { containerdLayout, findBinary, installHint, startPrivateContainerd } from '@kedge/edge/containerd/index.js';
import { createCriClient, type Container, type CriClient } from '@kedge/edge/cri/index.js';
import { DEBIAN_BUSYBOX } from '@kedge/edge/images/index.js';
import { removeEverything } from '@kedge/edge/edged/remove-pods.js';
import { startCloud, startEdge, type Cloud, type Edge } from '../harness/edge-link.js';
import { findKubectl, kubectlFor, type Kubectl } from '../harness/kubectl.js';
import { waitNodeReady } from '../edge/fixtures.js';
import { waitFor } from '../harness/wait.js';

export const BUSYBOX = 'kedge.local/busybox:1.35';
export const POD_UID_LABEL = 'io.kubernetes.pod.uid';

/** Why these suites cannot run here, or undefined. */
export function edgedSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (containerd and runc)';
  if (!findBinary('containerd') || !findBinary('runc') || !findBinary('ctr')) return `containerd not installed: ${installHint}`;
  if (!existsSync(DEBIAN_BUSYBOX)) return 'busybox-static not installed: apt-get install busybox-static';
  if (!findKubectl()) return 'kubectl not on PATH';
  return undefined;
}

export const runtimeDir = (edgeDataDir: string): string => join(edgeDataDir, 'containerd');

/** runc's state dir for the CRI (k8s.io) namespace of the edge's containerd. */
export const runcRoot = (edgeDataDir: string): string => join(containerdLayout(runtimeDir(edgeDataDir)).runcRoot, 'k8s.io');

/** A CRI client on the edge's private containerd. */
export function edgeCri(edgeDataDir: string): CriClient {
  return createCriClient({ socket: containerdLayout(runtimeDir(edgeDataDir)).socket, timeoutMs: 20_000 });
}

/** Containers of one pod, by its UID label. */
export async function podContainers(cri: CriClient, uid: string): Promise<Container[]> {
  return (await cri.listContainers({ filter: { labelSelector: { [POD_UID_LABEL]: uid } } })).containers;
}

/** PIDs of the containerd shims serving the instance whose socket is `socket`. */
function shimPids(socket: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let cmd: string[];
    try {
      cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (cmd[0]?.includes('containerd-shim') && cmd.includes(socket)) pids.push(Number(d));
  }
  return pids;
}

/**
 * What a power cut leaves of the edge's runtime: with EdgeCore (and so its containerd) already
 * stopped, every container is killed through runc and the shims die. The on-disk state stays, as it
 * would in the data dir after a reboot.
 */
export function powerCut(edgeDataDir: string): void {
  const root = runcRoot(edgeDataDir);
  if (existsSync(root)) {
    const ids = execFileSync('runc', ['--root', root, 'list', '-q'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const id of ids) {
      try {
        execFileSync('runc', ['--root', root, 'kill', '--all', id, 'KILL'], { stdio: 'ignore' });
      } catch {
        // already stopped
      }
    }
  }
  for (const pid of shimPids(containerdLayout(runtimeDir(edgeDataDir)).socket)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** Containers still running under the edge's runtime (after a power cut: none). */
export function runningContainerIds(edgeDataDir: string): string[] {
  const root = runcRoot(edgeDataDir);
  if (!existsSync(root)) return [];
  const out = execFileSync('runc', ['--root', root, 'list', '-f', 'json'], { encoding: 'utf8' }).trim();
  const list = (out && out !== 'null' ? JSON.parse(out) : []) as Array<{ id: string; status: string }>;
  return list.filter((c) => c.status === 'running').map((c) => c.id);
}

/**
 * Removes every sandbox and container the pods left (EdgeCore must be stopped), then stops the
 * containerd it started for that, so the test leaves no process behind.
 */
export async function reapRuntime(edgeDataDir: string): Promise<void> {
  const dir = runtimeDir(edgeDataDir);
  if (!existsSync(join(dir, 'config.toml'))) return;
  const ctd = await startPrivateContainerd({ dir, log: silentLogger() });
  const cri = createCriClient({ socket: ctd.socket, timeoutMs: 20_000 });
  try {
    await removeEverything(cri);
  } finally {
    cri.close();
    await ctd.stop();
  }
  await waitFor(() => shimPids(containerdLayout(dir).socket).length === 0, { timeoutMs: 10_000, message: 'shims to exit' }).catch(() => {
    for (const pid of shimPids(containerdLayout(dir).socket)) process.kill(pid, 'SIGKILL');
  });
}

/** A `kedge server` with one joined edge running pods on its private containerd, and kubectl for it. */
export interface EdgedCluster {
  cloud: Cloud;
  edge: Edge;
  kubectl: Kubectl;
  /** Disposes kubectl, stops the edge (its pods, containerd and shims go with it) and the cloud. */
  stop(): Promise<void>;
}

export async function startEdgedCluster(node: string): Promise<EdgedCluster> {
  const cloud = await startCloud();
  let edge: Edge | undefined;
  let kubectl: Kubectl | undefined;
  const stop = async () => {
    await kubectl?.dispose();
    await edge?.stop();
    await cloud.stop();
  };
  try {
    edge = await startEdge({ cloud, name: node });
    kubectl = kubectlFor(cloud.kubeconfig);
    await waitNodeReady(cloud.kube, node);
    return { cloud, edge, kubectl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The file's EdgedCluster: registers a `before` hook that starts it (unless the suite is skipped) and then
 * runs `onStarted`, and an `after` hook that stops it. The returned object is filled in once started.
 * `onStarted` is the place for setup that needs the cluster: Node 20 starts top-level `before` hooks
 * together rather than one after another.
 */
export function useEdgedCluster(node: string, skip: string | undefined, onStarted?: (cluster: EdgedCluster) => Promise<unknown> | unknown): EdgedCluster {
  const cluster = {} as EdgedCluster;
  let started = false;
  before(async () => {
    if (skip) return;
    Object.assign(cluster, await startEdgedCluster(node));
    started = true;
    await onStarted?.(cluster);
  });
  after(() => (started ? cluster.stop() : undefined));
  return cluster;
}
