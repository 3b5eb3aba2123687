import type { ContainerStatus as CriContainerStatus } from '../../cri/index.js';

import { kubeTime } from '@kedge/api';

export { kubeTime };

/** CRI timestamps are nanoseconds since the epoch as decimal strings; "0" means unset. */
export function criTime(ns: string | undefined): string | undefined {
  if (!ns || ns === '0') return undefined;
  return kubeTime(Number(BigInt(ns) / 1_000_000n));
}

export interface Waiting {
  reason: string;
  message?: string;
}

/** What the pod manager knows of one spec container after a sync pass. */
export interface ContainerView {
  name: string;
  image: string;
  /** The newest runtime container of this name in the pod's sandbox. */
  current?: CriContainerStatus;
  /** The newest exited container before `current`, for lastState. */
  previous?: CriContainerStatus;
  /** Set when the container is not running for a reason the runtime cannot tell (backoff, pull errors). */
  waiting?: Waiting;
  /** Probe results of the running container; absent when it has no probes (then running means ready). */
  probed?: { ready: boolean; started: boolean };
}

type State = { running: { startedAt?: string } } | { waiting: Waiting } | { terminated: Terminated };

interface Terminated {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  containerID: string;
}

export interface V1ContainerStatus {
  name: string;
  state: State;
  lastState: State | Record<string, never>;
  ready: boolean;
  started: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
}

export interface Condition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  lastTransitionTime: string;
}

export interface V1PodStatus {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  conditions: Condition[];
  hostIP?: string;
  hostIPs?: Array<{ ip: string }>;
  podIP?: string;
  podIPs?: Array<{ ip: string }>;
  startTime?: string;
  containerStatuses: V1ContainerStatus[];
  initContainerStatuses?: V1ContainerStatus[];
  qosClass?: string;
  reason?: string;
  message?: string;
}

const containerId = (c: CriContainerStatus): string => `containerd://${c.id}`;

function terminated(c: CriContainerStatus): { terminated: Terminated } {
  const t: Terminated = {
    exitCode: c.exitCode,
    // containerd's own reason (e.g. OOMKilled) wins over the exit-code default.
    reason: c.reason || (c.exitCode === 0 ? 'Completed' : 'Error'),
    containerID: containerId(c),
  };
  if (c.message) t.message = c.message;
  const started = criTime(c.startedAt);
  const finished = criTime(c.finishedAt);
  if (started) t.startedAt = started;
  if (finished) t.finishedAt = finished;
  return { terminated: t };
}

function lastStateOf(v: ContainerView): State | Record<string, never> {
  const exitedCurrent = v.current?.state === 'CONTAINER_EXITED' && v.waiting ? v.current : undefined;
  const prev = exitedCurrent ?? v.previous;
  return prev ? terminated(prev) : {};
}

export function containerStatus(v: ContainerView): V1ContainerStatus {
  const cur = v.current;
  let state: State;
  if (v.waiting) state = { waiting: v.waiting };
  else if (cur?.state === 'CONTAINER_RUNNING') {
    const startedAt = criTime(cur.startedAt);
    state = { running: startedAt ? { startedAt } : {} };
  } else if (cur?.state === 'CONTAINER_EXITED') state = terminated(cur);
  else state = { waiting: { reason: 'ContainerCreating' } };
  const running = 'running' in state;
  const s: V1ContainerStatus = {
    name: v.name,
    state,
    lastState: lastStateOf(v),
    // Without probes a running container is ready and started; with them the prober says.
    ready: running && (v.probed?.ready ?? true),
    started: running && (v.probed?.started ?? true),
    restartCount: cur?.metadata?.attempt ?? 0,
    image: cur?.image?.image || v.image,
    imageID: cur?.imageRef ?? '',
  };
  if (cur) s.containerID = containerId(cur);
  return s;
}

/** kubelet's getPhase (pkg/kubelet/kubelet_pods.go) over the app containers, once init containers are done. */
export function podPhase(statuses: V1ContainerStatus[], restartPolicy: string): V1PodStatus['phase'] {
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if ('running' in s.state) running++;
    else if ('terminated' in s.state) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if ('terminated' in s.lastState) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return 'Pending';
  if (restartPolicy === 'Always') return 'Running';
  if (stopped === succeeded) return 'Succeeded';
  return restartPolicy === 'Never' ? 'Failed' : 'Running';
}

/** Init containers' share of kubelet's getPhase: how many finished, failed or are still to run. */
export function initProgress(statuses: V1ContainerStatus[]): { done: number; failed: number; pending: string[] } {
  let done = 0;
  let failed = 0;
  const pending: string[] = [];
  for (const s of statuses) {
    if ('terminated' in s.state && s.state.terminated.exitCode === 0) {
      done++;
      continue;
    }
    pending.push(s.name);
    if (('terminated' in s.state && s.state.terminated.exitCode !== 0) || ('waiting' in s.state && 'terminated' in s.lastState && s.lastState.terminated.exitCode !== 0)) failed++;
  }
  return { done, failed, pending };
}

export interface PodStatusInput {
  containers: ContainerView[];
  initContainers?: ContainerView[];
  restartPolicy: string;
  hostIP?: string;
  /** The sandbox's IPs (the node's for host-network pods). */
  podIPs?: string[];
  /** True when the sandbox runs with its network set up (PodReadyToStartContainers). */
  sandboxReady?: boolean;
  qosClass?: string;
  startTime?: string;
  /** The previously reported status: conditions keep their lastTransitionTime while unchanged. */
  previous?: V1PodStatus;
  now: string;
}

export function podStatus(i: PodStatusInput): V1PodStatus {
  const containerStatuses = i.containers.map(containerStatus);
  const initContainerStatuses = (i.initContainers ?? []).map(containerStatus);
  const init = initProgress(initContainerStatuses);
  const initialized = init.pending.length === 0;
  // kubelet's getPhase: a failed init container fails a Never pod; unfinished init keeps it Pending.
  const phase: V1PodStatus['phase'] = initialized
    ? podPhase(containerStatuses, i.restartPolicy)
    : init.failed > 0 && i.restartPolicy === 'Never' ? 'Failed' : 'Pending';
  const unready = containerStatuses.filter((s) => !s.ready).map((s) => s.name);
  const prevConds = new Map((i.previous?.conditions ?? []).map((c) => [c.type, c]));
  const cond = (type: string, ok: boolean, reason?: string, message?: string): Condition => {
    const prev = prevConds.get(type);
    const status = ok ? 'True' : 'False';
    const c: Condition = { type, status, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : i.now };
    if (reason) c.reason = reason;
    if (message) c.message = message;
    return c;
  };
  // Succeeded pods' containers are not ready for the reason PodCompleted, as kubelet says.
  const notReady: [string, string] = phase === 'Succeeded'
    ? ['PodCompleted', '']
    : ['ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`];
  const allReady = unready.length === 0;
  const podReady = allReady && initialized;
  const status: V1PodStatus = {
    phase,
    conditions: [
      cond('PodReadyToStartContainers', i.sandboxReady ?? true),
      cond('Initialized', initialized, ...(initialized ? [] : ['ContainersNotInitialized', `containers with incomplete status: [${init.pending.join(' ')}]`])),
      cond('Ready', podReady, ...(podReady ? [] : allReady ? ['ContainersNotInitialized', `containers with incomplete status: [${init.pending.join(' ')}]`] : notReady)),
      cond('ContainersReady', allReady, ...(allReady ? [] : notReady)),
      cond('PodScheduled', true),
    ],
    containerStatuses,
  };
  if (initContainerStatuses.length) status.initContainerStatuses = initContainerStatuses;
  if (i.hostIP) {
    status.hostIP = i.hostIP;
    status.hostIPs = [{ ip: i.hostIP }];
  }
  if (i.podIPs?.length) {
    status.podIP = i.podIPs[0]!;
    status.podIPs = i.podIPs.map((ip) => ({ ip }));
  }
  if (i.startTime) status.startTime = i.startTime;
  if (i.qosClass) status.qosClass = i.qosClass;
  return status;
}
