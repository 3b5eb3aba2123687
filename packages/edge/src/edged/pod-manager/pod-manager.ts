import type { KubeObject } from '@kedge/api';
import type { Logger } from '@kedge/core';
import { isNotFound, type Container, type CriClient, type PodSandbox } from '../../cri/index.js';
import { firstIPv4 } from '../../nodestatus/index.js';
import { createBackoff, type BackoffOptions } from './backoff.js';
import { syncContainer, type ContainerSyncDeps } from './container-sync.js';
import { createImagePuller } from './image-puller.js';
import { CONTAINER_NAME, GRACE_PERIOD, POD_UID } from './labels.js';
import { criTime, kubeTime, podStatus, type ContainerView, type V1PodStatus, type Waiting } from './pod-status.js';
import { containersOf, gracePeriodSeconds, podKey, podRef, sandboxConfig } from './runtime-config.js';
import { createTerminator } from './terminator.js';
import type { NodeInfo, ObjectGetter } from '../env/index.js';
import type { VolumeManager } from '../volumes/index.js';

export interface PodManagerOptions {
  cri: CriClient;
  nodeName: string;
  log: Logger;
  /** Root of the pods' log directories (kubelet: /var/log/pods). */
  podLogDir: string;
  /** The pause image; CRI's RunPodSandbox uses the runtime's configured one, so this one must be present. */
  sandboxImage: string;
  /** Called with a pod's v1 PodStatus whenever it differs from the last one reported. */
  report: (pod: KubeObject, status: V1PodStatus) => void;
  now?: () => number;
  /** CrashLoopBackOff and image pull backoff (default 10 s doubling to 5 min). */
  backoff?: BackoffOptions;
  /** Node IP reported as hostIP/podIP of host-network pods (default: first non-internal IPv4). */
  hostIP?: string;
  pullTimeoutMs?: number;
  /** Pod volumes; without it, pods with volumes still run but their mounts are skipped. */
  volumes?: VolumeManager;
  /** The edge cache, for env valueFrom/envFrom (ConfigMaps, Secrets). */
  store?: ObjectGetter;
  /** Node facts for the downward API (default: nodeName and hostIP). */
  node?: NodeInfo;
  /** Kubernetes events about a pod, with kubelet's reasons (Pulling, Created, Started, Killing, BackOff, Unhealthy, ...). */
  events?: (pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string) => void;
  /** Something asynchronous (a probe result, a finished background kill) means a sync should run soon. */
  onChange?: () => void;
}

export interface SyncResult {
  /** Pod UIDs that still have sandboxes or containers in the runtime (incl. pods being killed). */
  active: Set<string>;
}

export interface PodManager {
  /**
   * Level-triggered: makes the runtime run exactly `desired` (this node's pods from the cache) and
   * reports their statuses. Calls are serialized; callers may invoke it on every change and on a timer.
   */
  sync(desired: KubeObject[]): Promise<SyncResult>;
  /** Resolves when background kills and container stops have finished (tests, shutdown). */
  idle(): Promise<void>;
}

/** Waiting reason for pods this slice cannot network (issue 4: a CNI bridge comes next). */
export const POD_NETWORK_NOT_SUPPORTED = 'PodNetworkNotSupported';

interface PodState {
  startTime?: string;
  last?: V1PodStatus;
  lastJson?: string;
}

const newestFirst = <T extends { createdAt: string }>(a: T, b: T): number => {
  const d = BigInt(b.createdAt) - BigInt(a.createdAt);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
};

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  }
  return m;
}

export function createPodManager(o: PodManagerOptions): PodManager {
  const now = o.now ?? Date.now;
  const log = o.log.child({ module: 'edged' });
  const backoff = createBackoff({ ...o.backoff, now });
  const puller = createImagePuller({ cri: o.cri, backoff, pullTimeoutMs: o.pullTimeoutMs ?? 5 * 60_000 });
  const hostIP = o.hostIP ?? firstIPv4();
  const pods = new Map<string, PodState>();
  const deps: ContainerSyncDeps = { cri: o.cri, backoff, puller, log };

  const ignoreNotFound = (e: unknown): void => {
    if (!isNotFound(e)) throw e;
  };
  const known = new Map<string, KubeObject>();
  const terminator = createTerminator({
    cri: o.cri,
    log,
    onKilling: (uid, container, grace) => {
      const pod = known.get(uid);
      if (pod) o.events?.(pod, 'Normal', 'Killing', `Stopping container ${container}`);
      void grace;
    },
    onDone: () => o.onChange?.(),
  });

  async function stopContainer(c: Container): Promise<void> {
    if (c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED' || c.state === 'CONTAINER_UNKNOWN') {
      const grace = Number(c.annotations[GRACE_PERIOD] ?? 30) || 0;
      await o.cri.stopContainer({ containerId: c.id, timeout: grace }, { timeoutMs: grace * 1000 + 10_000 }).catch(ignoreNotFound);
    }
    await o.cri.removeContainer({ containerId: c.id }).catch(ignoreNotFound);
  }

  async function removeSandbox(s: PodSandbox, containers: Container[]): Promise<void> {
    await Promise.all(containers.map(stopContainer));
    await o.cri.stopPodSandbox({ podSandboxId: s.id }).catch(ignoreNotFound);
    await o.cri.removePodSandbox({ podSandboxId: s.id }).catch(ignoreNotFound);
  }

  /** After a pod is fully gone from the runtime: its volumes and per-pod state go too. */
  async function forget(uid: string): Promise<void> {
    pods.delete(uid);
    known.delete(uid);
    await o.volumes?.tearDown(uid);
  }

  function report(pod: KubeObject, views: ContainerView[], startTime?: string): void {
    const uid = podRef(pod).uid;
    const st = pods.get(uid) ?? {};
    pods.set(uid, st);
    st.startTime ??= startTime ?? (pod.status?.startTime as string | undefined) ?? kubeTime(now());
    const status = podStatus({
      containers: views,
      restartPolicy: (pod.spec?.restartPolicy as string | undefined) ?? 'Always',
      startTime: st.startTime,
      previous: st.last ?? (pod.status as V1PodStatus | undefined),
      now: kubeTime(now()),
      ...(pod.spec?.hostNetwork && hostIP ? { hostIP } : {}),
    });
    const json = JSON.stringify(status);
    if (json === st.lastJson) return;
    st.last = status;
    st.lastJson = json;
    o.report(pod, status);
  }

  const waitingAll = (pod: KubeObject, w: Waiting): ContainerView[] =>
    containersOf(pod).map((c) => ({ name: c.name, image: c.image ?? '', waiting: w }));

  /** Resolves true when the pod has a sandbox or containers in the runtime after the pass. */
  async function syncPod(pod: KubeObject, sandboxes: PodSandbox[], containers: Container[]): Promise<boolean> {
    const p = podRef(pod);
    if (!pod.spec?.hostNetwork) {
      report(pod, waitingAll(pod, { reason: POD_NETWORK_NOT_SUPPORTED, message: 'kedge runs hostNetwork pods only so far; pod networking (CNI) is not implemented yet' }));
      return sandboxes.length + containers.length > 0;
    }
    sandboxes.sort(newestFirst);
    let sandbox = sandboxes.find((s) => s.state === 'SANDBOX_READY');
    const attempt = sandbox?.metadata?.attempt ?? (sandboxes.length ? Math.max(...sandboxes.map((s) => s.metadata?.attempt ?? 0)) + 1 : 0);
    const sbConfig = sandboxConfig(pod, { podLogDir: o.podLogDir, attempt });
    // A restarted container's attempt continues from the highest ever seen, also across sandboxes.
    const lastAttempt = new Map<string, number>();
    for (const c of containers) {
      const name = c.labels[CONTAINER_NAME] ?? '';
      lastAttempt.set(name, Math.max(lastAttempt.get(name) ?? -1, c.metadata?.attempt ?? 0));
    }
    if (!sandbox) {
      const w = await puller.ensure(o.sandboxImage, 'IfNotPresent', `${p.uid}/sandbox`);
      if (w) {
        report(pod, waitingAll(pod, w));
        return containers.length + sandboxes.length > 0;
      }
      let podSandboxId: string;
      try {
        ({ podSandboxId } = await o.cri.runPodSandbox({ config: sbConfig }));
      } catch (err) {
        // kubelet's FailedCreatePodSandBox: the pod stays Pending with the cause, and the next sync retries.
        log.warn({ err, pod: podKey(p) }, 'pod sandbox failed to start');
        report(pod, waitingAll(pod, { reason: 'ContainerCreating', message: `failed to create pod sandbox: ${err instanceof Error ? err.message : String(err)}` }));
        return containers.length + sandboxes.length > 0;
      }
      log.info({ pod: podKey(p), sandbox: podSandboxId, attempt }, 'pod sandbox started');
      sandbox = (await o.cri.listPodSandbox({ filter: { id: podSandboxId } })).items[0];
      if (!sandbox) throw new Error(`sandbox ${podSandboxId} vanished after RunPodSandbox`);
    }
    const current = sandbox;
    // kubelet recreates every container with a new sandbox; the old sandboxes go.
    for (const s of sandboxes) {
      if (s.id !== current.id) await removeSandbox(s, containers.filter((c) => c.podSandboxId === s.id));
    }
    const inSandbox = containers.filter((c) => c.podSandboxId === current.id);
    const byName = groupBy(inSandbox, (c) => c.labels[CONTAINER_NAME] ?? '');
    const specs = containersOf(pod);
    const wanted = new Set(specs.map((c) => c.name));
    for (const [name, list] of byName) if (!wanted.has(name)) await Promise.all(list.map(stopContainer));
    const views = await Promise.all(specs.map((spec) => syncContainer(deps, {
      pod,
      spec,
      sandboxId: current.id,
      sandboxConfig: sbConfig,
      existing: (byName.get(spec.name) ?? []).sort(newestFirst),
      lastAttempt: lastAttempt.get(spec.name) ?? -1,
    })));
    report(pod, views, criTime(current.createdAt));
    return true;
  }

  async function syncOnce(desired: KubeObject[]): Promise<SyncResult> {
    const [sbList, ctrList] = await Promise.all([o.cri.listPodSandbox({}), o.cri.listContainers({})]);
    const sandboxes = groupBy(sbList.items.filter((s) => s.labels[POD_UID]), (s) => s.labels[POD_UID]!);
    const containers = groupBy(ctrList.containers.filter((c) => c.labels[POD_UID] && c.labels[CONTAINER_NAME]), (c) => c.labels[POD_UID]!);
    const want = new Map<string, KubeObject>();
    const terminating = new Map<string, KubeObject>();
    for (const pod of desired) {
      if (pod.spec?.nodeName && pod.spec.nodeName !== o.nodeName) continue;
      if (!pod.metadata.uid) continue;
      known.set(pod.metadata.uid, pod);
      // A terminating pod is stopped with its grace period; finishing the API deletion is the caller's.
      if (pod.metadata.deletionTimestamp) terminating.set(pod.metadata.uid, pod);
      else want.set(pod.metadata.uid, pod);
    }
    const inRuntime = new Set([...sandboxes.keys(), ...containers.keys()]);
    for (const uid of inRuntime) {
      if (want.has(uid)) continue;
      const pod = terminating.get(uid) ?? known.get(uid);
      terminator.kill({
        uid,
        sandboxes: sandboxes.get(uid) ?? [],
        containers: containers.get(uid) ?? [],
        ...(pod ? { graceSeconds: gracePeriodSeconds(pod) } : {}),
      }, forget);
    }
    const killing = terminator.killing();
    // Pods that left without anything in the runtime (e.g. never got an image) only need their state dropped.
    for (const uid of new Set([...pods.keys(), ...known.keys()])) {
      if (!want.has(uid) && !inRuntime.has(uid) && !killing.has(uid)) await forget(uid).catch((err: unknown) => log.warn({ err, uid }, 'volume cleanup failed'));
    }
    const present = await Promise.all([...want].map(([uid, pod]) => syncPod(pod, sandboxes.get(uid) ?? [], containers.get(uid) ?? []).catch((err: unknown) => {
      log.error({ err, pod: podKey(podRef(pod)) }, 'pod sync failed');
      return inRuntime.has(uid);
    }).then((has) => (has ? uid : undefined))));
    backoff.prune((key) => want.has(key.replace(/^pull\//, '').split('/')[0]!));
    const active = new Set(terminator.killing());
    for (const uid of present) if (uid) active.add(uid);
    return { active };
  }

  let chain: Promise<unknown> = Promise.resolve();
  return {
    sync(desired) {
      const run = chain.then(() => syncOnce(desired));
      chain = run.catch(() => {});
      return run;
    },
    idle: () => terminator.idle(),
  };
}

/** The factory under the name EdgeCore wires it by. */
export const podManager = createPodManager;
