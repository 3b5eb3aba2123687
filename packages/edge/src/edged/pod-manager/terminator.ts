import type { Logger } from '@kedge/core';
import { isNotFound, type Container, type CriClient, type PodSandbox } from '../../cri/index.js';
import { CONTAINER_NAME, GRACE_PERIOD } from './labels.js';

export interface KillTarget {
  uid: string;
  sandboxes: PodSandbox[];
  containers: Container[];
  /** Seconds between SIGTERM and SIGKILL; when absent, each container's own annotation (default 30). */
  graceSeconds?: number;
}

export interface Terminator {
  /** Starts killing the pod in the background unless it already is; returns at once. */
  kill(t: KillTarget, done?: (uid: string) => void | Promise<void>): void;
  /** Stops one container in the background (liveness failure); no-op if already stopping. */
  stopContainer(c: Container, graceSeconds: number, reason: string): void;
  /** UIDs whose kill is still running. */
  killing(): Set<string>;
  stopping(containerId: string): boolean;
  /** Resolves when every background kill and stop has finished (tests, shutdown). */
  idle(): Promise<void>;
}

const ignoreNotFound = (e: unknown): void => {
  if (!isNotFound(e)) throw e;
};

/**
 * Graceful termination off the sync path: kubelet kills each pod in its own pod worker, so a pod with a
 * 30 s grace period does not hold back every other pod. StopContainer's timeout is the grace period:
 * the runtime sends SIGTERM, then SIGKILL when it runs out.
 */
export function createTerminator(o: { cri: CriClient; log: Logger; onKilling?: (uid: string, container: string, graceSeconds: number) => void; onDone: () => void }): Terminator {
  const pods = new Map<string, Promise<void>>();
  const containers = new Map<string, Promise<void>>();

  async function stop(c: Container, grace: number): Promise<void> {
    if (c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED' || c.state === 'CONTAINER_UNKNOWN') {
      await o.cri.stopContainer({ containerId: c.id, timeout: grace }, { timeoutMs: grace * 1000 + 10_000 }).catch(ignoreNotFound);
    }
    await o.cri.removeContainer({ containerId: c.id }).catch(ignoreNotFound);
  }

  const graceOf = (c: Container, t: KillTarget): number => t.graceSeconds ?? (Number(c.annotations[GRACE_PERIOD] ?? 30) || 0);

  async function killPod(t: KillTarget): Promise<void> {
    for (const c of t.containers) {
      if (c.state === 'CONTAINER_RUNNING') o.onKilling?.(t.uid, c.labels[CONTAINER_NAME] ?? '', graceOf(c, t));
    }
    await Promise.all(t.containers.map((c) => stop(c, graceOf(c, t))));
    for (const s of t.sandboxes) {
      await o.cri.stopPodSandbox({ podSandboxId: s.id }).catch(ignoreNotFound);
      await o.cri.removePodSandbox({ podSandboxId: s.id }).catch(ignoreNotFound);
    }
    o.log.info({ uid: t.uid, sandboxes: t.sandboxes.length, containers: t.containers.length }, 'pod removed from runtime');
  }

  return {
    kill(t, done) {
      if (pods.has(t.uid)) return;
      const run = killPod(t)
        .catch((err: unknown) => o.log.error({ err, uid: t.uid }, 'removing pod failed'))
        .then(() => done?.(t.uid))
        .catch((err: unknown) => o.log.error({ err, uid: t.uid }, 'cleanup after pod removal failed'))
        .finally(() => {
          pods.delete(t.uid);
          o.onDone();
        });
      pods.set(t.uid, run);
    },
    stopContainer(c, grace, reason) {
      if (containers.has(c.id)) return;
      const run = o.cri.stopContainer({ containerId: c.id, timeout: grace }, { timeoutMs: grace * 1000 + 10_000 })
        .then(() => o.log.info({ container: c.id, reason }, 'container stopped'))
        .catch((err: unknown) => {
          if (!isNotFound(err)) o.log.warn({ err, container: c.id }, 'stopping container failed');
        })
        .finally(() => {
          containers.delete(c.id);
          o.onDone();
        });
      containers.set(c.id, run);
    },
    killing: () => new Set(pods.keys()),
    stopping: (id) => containers.has(id),
    async idle() {
      while (pods.size || containers.size) await Promise.all([...pods.values(), ...containers.values()]);
    },
  };
}
