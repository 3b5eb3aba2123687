import type { KubeObject } from '@kedge/api';
import type { Logger } from '@kedge/core';
import { isNotFound, type Container, type CriClient, type PodSandbox } from '../../cri/index.js';
import { firstIPv4 } from '../../nodestatus/index.js';
import type { NodeInfo, ObjectGetter } from '../env/index.js';
import { createProbeManager, probeTitle } from '../probes/index.js';
import type { VolumeManager } from '../volumes/index.js';
import { createBackoff, type BackoffOptions } from './backoff.js';
import type { ContainerSyncDeps, EventFn } from './container-sync.js';
import { createImagePuller } from './image-puller.js';
import { CONTAINER_NAME, GRACE_PERIOD, POD_UID } from './labels.js';
import { kubeTime, podStatus, type V1PodStatus } from './pod-status.js';
import { syncPod, type PodMemory, type PodSyncContext, type PodView } from './pod-sync.js';
import { qosClass } from './resources.js';
import { gracePeriodSeconds, podKey, podRef } from './runtime-config.js';
import { createTerminator } from './terminator.js';

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
   * reports their statuses. Calls may overlap, and callers may invoke it on every change and on a timer:
   * each pod is synced by one call at a time (kubelet's pod workers), so a pod arriving while others
   * start does not wait for them. A call resolves once the pods it synced are done; a pod busy in an
   * earlier call is skipped, counted active, and synced again (onChange) when that call is done.
   */
  sync(desired: KubeObject[]): Promise<SyncResult>;
  /** Resolves when background kills and container stops have finished (tests, shutdown). */
  idle(): Promise<void>;
  /** Stops the probe workers (EdgeCore shutdown); containers keep running. */
  close(): void;
}


interface PodState extends PodMemory {
  /** Running container IDs found by the last finished sync of this pod (probe workers to keep). */
  running?: string[];
  startTime?: string;
  last?: V1PodStatus;
  lastJson?: string;
}

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

// Repeats of one event within this window are dropped (kubelet's recorder aggregates them instead).
const EVENT_REPEAT_MS = 60_000;
const ALWAYS_RECORD = new Set(['Created', 'Started', 'Killing']);

export function createPodManager(o: PodManagerOptions): PodManager {
  const now = o.now ?? Date.now;
  const log = o.log.child({ module: 'edged' });
  const backoff = createBackoff({ ...o.backoff, now });
  const puller = createImagePuller({ cri: o.cri, backoff, pullTimeoutMs: o.pullTimeoutMs ?? 5 * 60_000 });
  const hostIP = o.hostIP ?? firstIPv4();
  const pods = new Map<string, PodState>();
  const known = new Map<string, KubeObject>();
  const recent = new Map<string, number>();
  const onChange = () => o.onChange?.();

  function emitter(pod: KubeObject): EventFn {
    return (type, reason, message) => {
      if (!o.events) return;
      const key = `${pod.metadata.uid}|${reason}|${message}`;
      const t = now();
      if (!ALWAYS_RECORD.has(reason) && t - (recent.get(key) ?? -Infinity) < EVENT_REPEAT_MS) return;
      recent.set(key, t);
      if (recent.size > 5000) for (const [k, at] of recent) if (t - at >= EVENT_REPEAT_MS) recent.delete(k);
      o.events(pod, type, reason, message);
    };
  }

  const ignoreNotFound = (e: unknown): void => {
    if (!isNotFound(e)) throw e;
  };
  const terminator = createTerminator({
    cri: o.cri,
    log,
    onKilling: (uid, container) => {
      const pod = known.get(uid);
      if (pod) emitter(pod)('Normal', 'Killing', `Stopping container ${container}`);
    },
    onDone: onChange,
  });
  const probes = createProbeManager({
    cri: o.cri,
    log,
    now,
    onChange,
    onFailure: (uid, container, kind, output) => {
      const pod = known.get(uid);
      if (pod) emitter(pod)('Warning', 'Unhealthy', `${probeTitle[kind]} probe failed: ${output}`);
    },
  });
  const deps: ContainerSyncDeps = { cri: o.cri, backoff, puller, log, probes, terminator };

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

  const ctx: PodSyncContext = {
    cri: o.cri,
    log,
    deps,
    podLogDir: o.podLogDir,
    sandboxImage: o.sandboxImage,
    hostIP,
    volumes: o.volumes,
    store: o.store ?? { get: () => undefined },
    node: o.node ?? { name: o.nodeName, hostIP: hostIP ?? '' },
    removeSandbox,
    stopContainer,
  };

  /** After a pod is fully gone from the runtime: its volumes and per-pod state go too. */
  async function forget(uid: string): Promise<void> {
    pods.delete(uid);
    known.delete(uid);
    await o.volumes?.tearDown(uid);
  }

  function report(pod: KubeObject, st: PodState, v: PodView): void {
    st.startTime ??= v.startTime ?? (pod.status?.startTime as string | undefined) ?? kubeTime(now());
    const status = podStatus({
      containers: v.containers,
      initContainers: v.initContainers,
      restartPolicy: (pod.spec?.restartPolicy as string | undefined) ?? 'Always',
      startTime: st.startTime,
      previous: st.last ?? (pod.status as V1PodStatus | undefined),
      now: kubeTime(now()),
      podIPs: v.podIPs,
      sandboxReady: v.sandboxReady,
      qosClass: qosClass(pod),
      ...(hostIP ? { hostIP } : {}),
    });
    const json = JSON.stringify(status);
    if (json === st.lastJson) return;
    st.last = status;
    st.lastJson = json;
    o.report(pod, status);
  }

  // Pods whose sync is running, and those a later call had to skip meanwhile (synced again after).
  const inFlight = new Set<string>();
  const skipped = new Set<string>();
  const busy = (uid: string): boolean => {
    if (!inFlight.has(uid)) return false;
    skipped.add(uid);
    return true;
  };

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
      if (want.has(uid) || busy(uid)) continue;
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
      if (!want.has(uid) && !inRuntime.has(uid) && !killing.has(uid) && !inFlight.has(uid)) await forget(uid).catch((err: unknown) => log.warn({ err, uid }, 'volume cleanup failed'));
    }
    const present = await Promise.all([...want].map(async ([uid, pod]) => {
      const st = pods.get(uid) ?? {};
      pods.set(uid, st);
      if (busy(uid)) return uid;
      inFlight.add(uid);
      try {
        const r = await syncPod(ctx, st, pod, sandboxes.get(uid) ?? [], containers.get(uid) ?? [], emitter(pod));
        st.running = [...r.view.containers, ...r.view.initContainers].filter((c) => c.current?.state === 'CONTAINER_RUNNING').map((c) => c.current!.id);
        report(pod, st, r.view);
        return r.present ? uid : undefined;
      } catch (err) {
        log.error({ err, pod: podKey(podRef(pod)) }, 'pod sync failed');
        st.running = (containers.get(uid) ?? []).map((c) => c.id);
        return inRuntime.has(uid) ? uid : undefined;
      } finally {
        inFlight.delete(uid);
        if (skipped.delete(uid)) onChange();
      }
    }));
    // Probe workers live as long as their container runs; while another call still starts containers
    // their IDs are not known yet, so only a call that ends with nothing in flight prunes.
    if (inFlight.size === 0) {
      const killed = terminator.killing();
      probes.retain(new Set([...pods].flatMap(([uid, st]) => (want.has(uid) || !killed.has(uid) ? (st.running ?? []) : []))));
      backoff.prune((key) => want.has(key.replace(/^pull\//, '').split('/')[0]!));
    }
    const active = new Set(terminator.killing());
    for (const uid of present) if (uid) active.add(uid);
    return { active };
  }

  return {
    sync: syncOnce,
    async idle() {
      await terminator.idle();
    },
    close() {
      probes.stopAll();
    },
  };
}
