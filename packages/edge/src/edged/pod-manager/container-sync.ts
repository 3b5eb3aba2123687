import type { KubeObject } from '@kedge/api';
import type { Logger } from '@kedge/core';
import { isNotFound, type Container, type ContainerStatus, type CriClient, type PodSandboxConfig } from '../../cri/index.js';
import type { Backoff } from './backoff.js';
import type { ImagePuller } from './image-puller.js';
import { CONTAINER_HASH, GRACE_PERIOD } from './labels.js';
import type { ContainerView } from './pod-status.js';
import { containerConfig, containerHash, podKey, podRef, type ContainerExtras, type ContainerSpec } from './runtime-config.js';
import type { ProbeContainer, ProbeManager, ProbeResults, ProbeSpec } from '../probes/index.js';
import type { Terminator } from './terminator.js';
import type { Waiting } from './pod-status.js';

export interface ContainerSyncDeps {
  cri: CriClient;
  backoff: Backoff;
  puller: ImagePuller;
  log: Logger;
  probes: ProbeManager;
  terminator: Terminator;
}

export type EventFn = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface ContainerSyncInput {
  pod: KubeObject;
  spec: ContainerSpec;
  sandboxId: string;
  sandboxConfig: PodSandboxConfig;
  /** Runtime containers of this name in the sandbox, newest first. */
  existing: Container[];
  /** Highest attempt seen for this name in any of the pod's sandboxes (-1: none). */
  lastAttempt: number;
  /** Resolves env and mounts right before creation; a Waiting when it cannot (CreateContainerConfigError). */
  prepare: () => Promise<ContainerExtras | Waiting>;
  events: EventFn;
  /** Init containers restart OnFailure under Always (kubelet); default: the pod's restartPolicy. */
  restartPolicy?: string;
  /** For httpGet/tcpSocket probes. */
  podIP: string;
}

/** Go's time.Duration formatting at second precision ("10s", "2m40s", "5m0s"), as kubelet's message has it. */
export function goDuration(ms: number): string {
  const secs = Math.round(ms / 1000);
  return secs < 60 ? `${secs}s` : `${Math.floor(secs / 60)}m${secs % 60}s`;
}

function shouldRestart(policy: string, exitCode: number): boolean {
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return exitCode !== 0;
  return true;
}

async function statusOf(cri: CriClient, c: Container | undefined): Promise<ContainerStatus | undefined> {
  if (!c) return undefined;
  try {
    return (await cri.containerStatus({ containerId: c.id })).status ?? undefined;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * One spec container of a running sandbox: creates, starts, or restarts it per the restart policy
 * and backoff, and says what its status should show. Keeps the newest exited container (the source
 * of lastState and, later, `kubectl logs --previous`) and removes older ones, as kubelet's GC does.
 */
export async function syncContainer(d: ContainerSyncDeps, i: ContainerSyncInput): Promise<ContainerView> {
  const { cri, backoff } = d;
  const p = podRef(i.pod);
  const key = `${p.uid}/${i.spec.name}`;
  const view: ContainerView = { name: i.spec.name, image: i.spec.image ?? '' };
  const newest = i.existing[0];
  let cur = await statusOf(cri, newest);
  const exitedBefore = i.existing.slice(1).find((c) => c.state === 'CONTAINER_EXITED');
  const prev = await statusOf(cri, exitedBefore);
  if (prev) view.previous = prev;
  if (cur) view.current = cur;

  const specChanged = cur !== undefined && cur.annotations[CONTAINER_HASH] !== containerHash(i.spec);
  if (cur && specChanged && cur.state !== 'CONTAINER_EXITED') {
    const grace = Number(cur.annotations[GRACE_PERIOD] ?? 30) || 0;
    await cri.stopContainer({ containerId: cur.id, timeout: grace }, { timeoutMs: grace * 1000 + 10_000 });
    d.log.info({ pod: podKey(p), container: i.spec.name }, 'container spec changed: recreating');
    cur = await statusOf(cri, newest);
    if (cur) view.current = cur;
  }

  if (cur?.state === 'CONTAINER_RUNNING') {
    const r = watchProbes(d, i, cur);
    if (r) view.probed = { ready: r.ready, started: r.started };
    return view;
  }
  if (cur?.state === 'CONTAINER_CREATED') {
    await cri.startContainer({ containerId: cur.id });
    i.events('Normal', 'Started', `Started container ${i.spec.name}`);
    view.current = (await statusOf(cri, newest)) ?? cur;
    return view;
  }
  if (cur && !specChanged) {
    if (!shouldRestart(i.restartPolicy ?? (i.pod.spec?.restartPolicy as string | undefined) ?? 'Always', cur.exitCode)) return view;
    if (backoff.inBackoff(key)) {
      view.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(backoff.delayMs(key))} restarting failed container=${i.spec.name} pod=${p.name}_${p.namespace}(${p.uid})` };
      i.events('Warning', 'BackOff', `Back-off restarting failed container ${i.spec.name} in pod ${p.name}_${p.namespace}(${p.uid})`);
      return view;
    }
  }

  const pulled = await d.puller.ensure(i.spec.image ?? '', i.spec.imagePullPolicy, key, i.events);
  if (pulled) {
    view.waiting = pulled;
    return view;
  }
  const extras = await i.prepare();
  if ('reason' in extras) {
    view.waiting = extras;
    i.events('Warning', 'Failed', `Error: ${extras.message ?? extras.reason}`);
    return view;
  }
  const attempt = i.lastAttempt + 1;
  let id: string;
  try {
    ({ containerId: id } = await cri.createContainer({ podSandboxId: i.sandboxId, sandboxConfig: i.sandboxConfig, config: containerConfig(i.pod, i.spec, attempt, extras) }));
  } catch (err) {
    view.waiting = { reason: 'CreateContainerError', message: err instanceof Error ? err.message : String(err) };
    i.events('Warning', 'Failed', `Error: ${view.waiting.message}`);
    return view;
  }
  i.events('Normal', 'Created', `Created container ${i.spec.name}`);
  // A restart (not a first start, not a spec change) is what CrashLoopBackOff paces.
  if (cur && !specChanged) backoff.next(key);
  try {
    await cri.startContainer({ containerId: id });
    i.events('Normal', 'Started', `Started container ${i.spec.name}`);
  } catch (err) {
    d.log.warn({ err, pod: podKey(p), container: i.spec.name }, 'container start failed');
    i.events('Warning', 'Failed', `Error: ${err instanceof Error ? err.message : String(err)}`);
  }
  d.log.info({ pod: podKey(p), container: i.spec.name, attempt }, 'container started');
  // Only the newest dead container is kept.
  for (const old of i.existing.slice(cur ? 1 : 0)) {
    await cri.removeContainer({ containerId: old.id }).catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
  }
  if (cur?.state === 'CONTAINER_EXITED') view.previous = cur;
  else delete view.previous;
  const started = await statusOf(cri, { id } as Container);
  if (started) view.current = started;
  else delete view.current;
  const r = started?.state === 'CONTAINER_RUNNING' ? watchProbes(d, i, started) : undefined;
  if (r) view.probed = { ready: r.ready, started: r.started };
  return view;
}

/** Starts the running container's probe workers; a failed liveness or startup probe stops it in the background. */
function watchProbes(d: ContainerSyncDeps, i: ContainerSyncInput, cur: ContainerStatus): ProbeResults | undefined {
  const s = i.spec;
  if (!s.livenessProbe && !s.readinessProbe && !s.startupProbe) return undefined;
  const pc: ProbeContainer = {
    podUid: podRef(i.pod).uid,
    containerId: cur.id,
    name: s.name,
    startedAtMs: Number(BigInt(cur.startedAt || '0') / 1_000_000n),
    podIP: i.podIP,
    ports: s.ports ?? [],
  };
  if (s.livenessProbe) pc.livenessProbe = s.livenessProbe as ProbeSpec;
  if (s.readinessProbe) pc.readinessProbe = s.readinessProbe as ProbeSpec;
  if (s.startupProbe) pc.startupProbe = s.startupProbe as ProbeSpec;
  d.probes.ensure(pc);
  const r = d.probes.results(cur.id);
  if (r.live || d.terminator.stopping(cur.id)) return r;
  const probeSpec = (r.failed === 'startup' ? s.startupProbe : s.livenessProbe) as ProbeSpec | undefined;
  const grace = probeSpec?.terminationGracePeriodSeconds ?? Number(cur.annotations[GRACE_PERIOD] ?? 30);
  i.events('Normal', 'Killing', `Container ${s.name} failed ${r.failed} probe, will be restarted`);
  d.log.info({ pod: podKey(podRef(i.pod)), container: s.name, why: r.message }, 'container unhealthy: restarting');
  d.terminator.stopContainer({ id: cur.id } as Container, Number.isFinite(grace) ? grace : 30, `${r.failed} probe failed`);
  return r;
}
