import type { KubeObject } from '@kedge/api';
import type { Logger } from '@kedge/core';
import { isNotFound, type Container, type ContainerStatus, type CriClient, type PodSandboxConfig } from '../../cri/index.js';
import type { Backoff } from './backoff.js';
import type { ImagePuller } from './image-puller.js';
import { CONTAINER_HASH, GRACE_PERIOD } from './labels.js';
import type { ContainerView } from './pod-status.js';
import { containerConfig, containerHash, podKey, podRef, type ContainerSpec } from './runtime-config.js';

export interface ContainerSyncDeps {
  cri: CriClient;
  backoff: Backoff;
  puller: ImagePuller;
  log: Logger;
}

export interface ContainerSyncInput {
  pod: KubeObject;
  spec: ContainerSpec;
  sandboxId: string;
  sandboxConfig: PodSandboxConfig;
  /** Runtime containers of this name in the sandbox, newest first. */
  existing: Container[];
  /** Highest attempt seen for this name in any of the pod's sandboxes (-1: none). */
  lastAttempt: number;
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

  if (cur?.state === 'CONTAINER_RUNNING') return view;
  if (cur?.state === 'CONTAINER_CREATED') {
    await cri.startContainer({ containerId: cur.id });
    view.current = (await statusOf(cri, newest)) ?? cur;
    return view;
  }
  if (cur && !specChanged) {
    if (!shouldRestart((i.pod.spec?.restartPolicy as string | undefined) ?? 'Always', cur.exitCode)) return view;
    if (backoff.inBackoff(key)) {
      view.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(backoff.delayMs(key))} restarting failed container=${i.spec.name} pod=${p.name}_${p.namespace}(${p.uid})` };
      return view;
    }
  }

  const pulled = await d.puller.ensure(i.spec.image ?? '', i.spec.imagePullPolicy, key);
  if (pulled) {
    view.waiting = pulled;
    return view;
  }
  const attempt = i.lastAttempt + 1;
  let id: string;
  try {
    ({ containerId: id } = await cri.createContainer({ podSandboxId: i.sandboxId, sandboxConfig: i.sandboxConfig, config: containerConfig(i.pod, i.spec, attempt) }));
  } catch (err) {
    view.waiting = { reason: 'CreateContainerError', message: err instanceof Error ? err.message : String(err) };
    return view;
  }
  // A restart (not a first start, not a spec change) is what CrashLoopBackOff paces.
  if (cur && !specChanged) backoff.next(key);
  try {
    await cri.startContainer({ containerId: id });
  } catch (err) {
    d.log.warn({ err, pod: podKey(p), container: i.spec.name }, 'container start failed');
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
  return view;
}
