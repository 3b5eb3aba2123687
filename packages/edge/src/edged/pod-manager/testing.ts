// Test support for the pod manager's integration tests: a private containerd with locally built
// busybox/pause images, and a manager harness that records reports and events. Not used by EdgeCore.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '@kedge/api';
import { createLogger, silentLogger } from '@kedge/core';
import { findBinary, installHint, startPrivateContainerd, type RunningContainerd } from '../../containerd/index.js';
import { createCriClient, type CriClient } from '../../cri/index.js';
import { buildTestImages, DEBIAN_BUSYBOX, DEFAULT_BUSYBOX_IMAGE, DEFAULT_PAUSE_IMAGE, goArch, importImage } from '../../images/index.js';
import { POD_UID } from './labels.js';
import { createPodManager, type PodManager, type PodManagerOptions } from './pod-manager.js';
import type { V1PodStatus } from './pod-status.js';
import { removeEverything } from '../remove-pods.js';

/** Why containerd tests cannot run here, or undefined when they can. */
export function containerdSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'containerd not usable: needs root';
  if (!findBinary('containerd') || !findBinary('runc')) return `containerd not installed: ${installHint}`;
  if (!existsSync(DEBIAN_BUSYBOX)) return 'busybox-static not installed: apt-get install busybox-static';
  if (!findBinary('ctr')) return 'ctr not installed: apt-get install containerd';
  return undefined;
}

export interface TestRuntime {
  dir: string;
  cri: CriClient;
  stop(): Promise<void>;
}

/** Starts a private containerd with its own CNI bridge (give each test file its own name and subnet). */
export async function startTestRuntime(o: { prefix: string; bridge: string; subnet: string }): Promise<TestRuntime> {
  const dir = mkdtempSync(join(tmpdir(), o.prefix));
  let ctd: RunningContainerd | undefined;
  let cri: CriClient | undefined;
  try {
    ctd = await startPrivateContainerd({ dir, log: silentLogger(), sandboxImage: DEFAULT_PAUSE_IMAGE, cni: { bridge: o.bridge, subnet: o.subnet } });
    cri = createCriClient({ socket: ctd.socket, timeoutMs: 20_000 });
    mkdirSync(join(dir, 'images'));
    const built = await buildTestImages(join(dir, 'images'));
    const platform = `linux/${goArch().architecture}`;
    for (const file of [built.busybox.file, built.pause.file]) {
      await importImage({ tarball: file, containerdSocket: ctd.socket, platform, snapshotter: ctd.snapshotter });
    }
  } catch (err) {
    cri?.close();
    await ctd?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const c = cri;
  const running = ctd;
  return {
    dir,
    cri: c,
    async stop() {
      await removeEverything(c);
      c.close();
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
      // The CNI bridge is host-global and outlives containerd; remove it so test runs leave no devices.
      spawnSync('ip', ['link', 'del', o.bridge], { stdio: 'ignore', timeout: 5000 });
    },
  };
}

export const TEST_NODE = 'edge-1';
export const TEST_HOST_IP = '192.0.2.10';

export function testPod(name: string, container: Record<string, unknown>, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: randomUUID() },
    spec: { nodeName: TEST_NODE, hostNetwork: true, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: DEFAULT_BUSYBOX_IMAGE, ...container }], ...spec },
  };
}

export interface RecordedEvent {
  uid: string;
  type: string;
  reason: string;
  message: string;
}

export interface Harness {
  pm: PodManager;
  reports: Map<string, V1PodStatus[]>;
  events: RecordedEvent[];
  changes: number;
  last(p: KubeObject): V1PodStatus | undefined;
  /** Syncs every 100 ms until `done` holds for the pod's latest status. */
  until(desired: KubeObject[], p: KubeObject, what: string, done: (s: V1PodStatus) => boolean, timeoutMs?: number): Promise<V1PodStatus>;
}

export function harness(rt: TestRuntime, extra: Partial<PodManagerOptions> = {}): Harness {
  const reports = new Map<string, V1PodStatus[]>();
  const events: RecordedEvent[] = [];
  const h: Harness = {
    pm: undefined as unknown as PodManager,
    reports,
    events,
    changes: 0,
    last: (p) => reports.get(p.metadata.uid!)?.at(-1),
    async until(desired, p, what, done, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        await h.pm.sync(desired);
        const s = h.last(p);
        if (s && done(s)) return s;
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last status ${JSON.stringify(s)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  h.pm = createPodManager({
    cri: rt.cri,
    nodeName: TEST_NODE,
    log: process.env.PM_DEBUG ? createLogger({ level: 'debug' }) : silentLogger(),
    podLogDir: join(rt.dir, 'pods'),
    sandboxImage: DEFAULT_PAUSE_IMAGE,
    hostIP: TEST_HOST_IP,
    backoff: { initialMs: 1000, maxMs: 5000 },
    pullTimeoutMs: 10_000,
    report: (p, s) => {
      const uid = p.metadata.uid!;
      reports.set(uid, [...(reports.get(uid) ?? []), structuredClone(s)]);
    },
    events: (p, type, reason, message) => events.push({ uid: p.metadata.uid!, type, reason, message }),
    onChange: () => h.changes++,
    ...extra,
  });
  return h;
}

export async function runtimeOf(cri: CriClient, uid: string) {
  const sandboxes = (await cri.listPodSandbox({ filter: { labelSelector: { [POD_UID]: uid } } })).items;
  const containers = (await cri.listContainers({ filter: { labelSelector: { [POD_UID]: uid } } })).containers;
  return { sandboxes, containers };
}

export { DEFAULT_BUSYBOX_IMAGE };
