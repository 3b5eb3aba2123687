import { isNotFound, type CriClient } from '../cri/index.js';
import { POD_UID } from './pod-manager/labels.js';

const ignoreNotFound = (e: unknown): void => {
  if (!isNotFound(e)) throw e;
};

/**
 * Stops (no grace) and removes every sandbox whose pod UID `remove` accepts, with its containers. Used when
 * kedge must leave no process behind: `kedge up` on Ctrl-C (edged.stopPodsOnExit) and `kedge reset`.
 */
export async function removePods(cri: CriClient, remove: (uid: string) => boolean = () => true): Promise<number> {
  const { items } = await cri.listPodSandbox({});
  const { containers } = await cri.listContainers({});
  let n = 0;
  await Promise.all(items.map(async (s) => {
    const uid = s.labels[POD_UID];
    if (!uid || !remove(uid)) return;
    for (const c of containers.filter((c) => c.podSandboxId === s.id)) {
      await cri.stopContainer({ containerId: c.id, timeout: 0 }).catch(ignoreNotFound);
      await cri.removeContainer({ containerId: c.id }).catch(ignoreNotFound);
    }
    await cri.stopPodSandbox({ podSandboxId: s.id }).catch(ignoreNotFound);
    await cri.removePodSandbox({ podSandboxId: s.id }).catch(ignoreNotFound);
    n++;
  }));
  return n;
}

/**
 * Every container and sandbox in the runtime, kubelet labels or not: for a private runtime that is being
 * thrown away (tests, `kedge reset`), where nothing in it may survive.
 */
export async function removeEverything(cri: CriClient): Promise<void> {
  for (const c of (await cri.listContainers({}).catch(() => ({ containers: [] }))).containers) {
    await cri.stopContainer({ containerId: c.id, timeout: 0 }).catch(() => {});
    await cri.removeContainer({ containerId: c.id }).catch(() => {});
  }
  for (const s of (await cri.listPodSandbox({}).catch(() => ({ items: [] }))).items) {
    await cri.stopPodSandbox({ podSandboxId: s.id }).catch(() => {});
    await cri.removePodSandbox({ podSandboxId: s.id }).catch(() => {});
  }
}
