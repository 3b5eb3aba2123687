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
