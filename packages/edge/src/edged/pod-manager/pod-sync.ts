import type { KubeObject } from '@kedge/api';
import type { Logger } from '@kedge/core';
import { isNotFound, type Container, type CriClient, type PodSandbox } from '../../cri/index.js';
import { resolveEnv, type NodeInfo, type ObjectGetter } from '../env/index.js';
import { mountsFor, type VolumeManager, type VolumePaths } from '../volumes/index.js';
import { syncContainer, type ContainerSyncDeps, type EventFn } from './container-sync.js';
import { CONTAINER_NAME } from './labels.js';
import { criTime, type ContainerView, type Waiting } from './pod-status.js';
import { containersOf, initContainersOf, podKey, podRef, sandboxConfig, type ContainerExtras, type ContainerSpec } from './runtime-config.js';

/** What one pass over a pod found, for the status report. */
export interface PodView {
  containers: ContainerView[];
  initContainers: ContainerView[];
  podIPs: string[];
  sandboxReady: boolean;
  startTime?: string;
}

export interface PodMemory {
  /** The volumes set up for this pod (refreshed, not set up again, on later passes). */
  volumes?: VolumePaths;
  /** The sandbox whose IPs are cached below. */
  sandboxId?: string;
  podIPs?: string[];
}

export interface PodSyncContext {
  cri: CriClient;
  log: Logger;
  deps: ContainerSyncDeps;
  podLogDir: string;
  sandboxImage: string;
  hostIP: string | undefined;
  volumes: VolumeManager | undefined;
  store: ObjectGetter;
  node: NodeInfo;
  removeSandbox(s: PodSandbox, containers: Container[]): Promise<void>;
  stopContainer(c: Container): Promise<void>;
}

export interface PodSyncResult {
  view: PodView;
  /** The pod has a sandbox or containers in the runtime. */
  present: boolean;
}

const newestFirst = <T extends { createdAt: string }>(a: T, b: T): number => {
  const d = BigInt(b.createdAt) - BigInt(a.createdAt);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
};

const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function waitingAll(specs: ContainerSpec[], w: Waiting): ContainerView[] {
  return specs.map((c) => ({ name: c.name, image: c.image ?? '', waiting: w }));
}

/**
 * One pass over one desired pod, in kubelet's order (SyncPod in kuberuntime_manager.go): volumes, the
 * sandbox (with its network), init containers one at a time, then the app containers.
 */
export async function syncPod(ctx: PodSyncContext, mem: PodMemory, pod: KubeObject, sandboxes: PodSandbox[], containers: Container[], events: EventFn): Promise<PodSyncResult> {
  const p = podRef(pod);
  const specs = containersOf(pod);
  const initSpecs = initContainersOf(pod);
  const hostNetwork = pod.spec?.hostNetwork === true;
  const pending = (w: Waiting, present = sandboxes.length + containers.length > 0): PodSyncResult => ({
    view: { containers: waitingAll(specs, w), initContainers: waitingAll(initSpecs, w), podIPs: mem.podIPs ?? [], sandboxReady: false },
    present,
  });

  // Volumes first: kubelet does not start a sandbox before the pod's volumes are ready.
  let volumes: VolumePaths = new Map();
  if (ctx.volumes && ((pod.spec?.volumes ?? []) as unknown[]).length) {
    if (mem.volumes) {
      // A running pod sees ConfigMap/Secret changes through the atomic `..data` swap; a failed refresh keeps the old files.
      await ctx.volumes.refresh(pod).catch((err: unknown) => ctx.log.warn({ err, pod: podKey(p) }, 'volume refresh failed'));
      volumes = mem.volumes;
    } else {
      try {
        volumes = await ctx.volumes.setUp(pod);
        mem.volumes = volumes;
      } catch (err) {
        events('Warning', 'FailedMount', `MountVolume.SetUp failed: ${errText(err)}`);
        return pending({ reason: 'ContainerCreating', message: `volumes not ready: ${errText(err)}` });
      }
    }
  }

  sandboxes.sort(newestFirst);
  let sandbox = sandboxes.find((s) => s.state === 'SANDBOX_READY');
  const attempt = sandbox?.metadata?.attempt ?? (sandboxes.length ? Math.max(...sandboxes.map((s) => s.metadata?.attempt ?? 0)) + 1 : 0);
  const sbConfig = sandboxConfig(pod, { podLogDir: ctx.podLogDir, attempt });
  // A restarted container's attempt continues from the highest ever seen, also across sandboxes.
  const lastAttempt = new Map<string, number>();
  for (const c of containers) {
    const name = c.labels[CONTAINER_NAME] ?? '';
    lastAttempt.set(name, Math.max(lastAttempt.get(name) ?? -1, c.metadata?.attempt ?? 0));
  }
  if (!sandbox) {
    const w = await ctx.deps.puller.ensure(ctx.sandboxImage, 'IfNotPresent', `${p.uid}/sandbox`);
    if (w) return pending(w);
    let podSandboxId: string;
    try {
      ({ podSandboxId } = await ctx.cri.runPodSandbox({ config: sbConfig }, { timeoutMs: 60_000 }));
    } catch (err) {
      // kubelet's FailedCreatePodSandBox: the pod stays Pending with the cause, and the next sync retries.
      ctx.log.warn({ err, pod: podKey(p) }, 'pod sandbox failed to start');
      events('Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${errText(err)}`);
      return pending({ reason: 'ContainerCreating', message: `failed to create pod sandbox: ${errText(err)}` });
    }
    ctx.log.info({ pod: podKey(p), sandbox: podSandboxId, attempt }, 'pod sandbox started');
    sandbox = (await ctx.cri.listPodSandbox({ filter: { id: podSandboxId } })).items[0];
    if (!sandbox) throw new Error(`sandbox ${podSandboxId} vanished after RunPodSandbox`);
  }
  const current = sandbox;
  // kubelet recreates every container with a new sandbox; the old sandboxes go.
  for (const s of sandboxes) {
    if (s.id !== current.id) await ctx.removeSandbox(s, containers.filter((c) => c.podSandboxId === s.id));
  }
  if (mem.sandboxId !== current.id) {
    mem.sandboxId = current.id;
    if (hostNetwork) mem.podIPs = ctx.hostIP ? [ctx.hostIP] : [];
    else {
      const st = (await ctx.cri.podSandboxStatus({ podSandboxId: current.id }).catch((e: unknown) => {
        if (isNotFound(e)) return { status: null };
        throw e;
      })).status;
      mem.podIPs = st?.network?.ip ? [st.network.ip, ...st.network.additionalIps.map((a) => a.ip).filter(Boolean)] : [];
    }
  }
  const podIPs = mem.podIPs ?? [];

  const inSandbox = containers.filter((c) => c.podSandboxId === current.id);
  const byName = new Map<string, Container[]>();
  for (const c of inSandbox) {
    const n = c.labels[CONTAINER_NAME] ?? '';
    byName.set(n, [...(byName.get(n) ?? []), c]);
  }
  const wanted = new Set([...specs, ...initSpecs].map((c) => c.name));
  for (const [name, list] of byName) if (!wanted.has(name)) await Promise.all(list.map((c) => ctx.stopContainer(c)));

  const prepare = (spec: ContainerSpec) => async (): Promise<ContainerExtras | Waiting> => {
    try {
      const env = resolveEnv(pod, spec, ctx.store, ctx.node, { podIPs });
      const mounts = ctx.volumes ? mountsFor(spec, volumes, { pod, env }) : [];
      return { envs: env.map((e) => ({ key: e.name, value: e.value })), mounts };
    } catch (err) {
      return { reason: 'CreateContainerConfigError', message: errText(err) };
    }
  };
  const input = (spec: ContainerSpec) => ({
    pod,
    spec,
    sandboxId: current.id,
    sandboxConfig: sbConfig,
    existing: (byName.get(spec.name) ?? []).sort(newestFirst),
    lastAttempt: lastAttempt.get(spec.name) ?? -1,
    prepare: prepare(spec),
    events,
    podIP: podIPs[0] ?? ctx.hostIP ?? '127.0.0.1',
  });

  // Init containers run one at a time, each to a zero exit, before any app container (kubelet's
  // computeInitContainerActions). Under restartPolicy Always they restart OnFailure.
  const policy = (pod.spec?.restartPolicy as string | undefined) ?? 'Always';
  const initViews: ContainerView[] = [];
  let initialized = true;
  for (const spec of initSpecs) {
    if (!initialized) {
      initViews.push({ name: spec.name, image: spec.image ?? '', waiting: { reason: 'PodInitializing' } });
      continue;
    }
    const v = await syncContainer(ctx.deps, { ...input(spec), restartPolicy: policy === 'Never' ? 'Never' : 'OnFailure' });
    initViews.push(v);
    if (v.waiting || v.current?.state !== 'CONTAINER_EXITED' || v.current.exitCode !== 0) initialized = false;
  }
  const views = initialized
    ? await Promise.all(specs.map((spec) => syncContainer(ctx.deps, input(spec))))
    : waitingAll(specs, { reason: 'PodInitializing' });
  const view: PodView = { containers: views, initContainers: initViews, podIPs, sandboxReady: current.state === 'SANDBOX_READY' };
  const startTime = criTime(current.createdAt);
  if (startTime) view.startTime = startTime;
  return { view, present: true };
}
