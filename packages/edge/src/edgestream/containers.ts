import { ApiError, badRequest } from '@kedge/api';
import type { Container, CriClient } from '../cri/index.js';
import { CONTAINER_NAME, POD_NAME, POD_NAMESPACE, POD_UID } from '../edged/pod-manager/labels.js';
import type { PodRef } from '@kedge/core/stream-tunnel/index.js';

export interface FoundContainer {
  id: string;
  name: string;
  attempt: number;
  running: boolean;
}

const attemptOf = (c: Container): number => c.metadata?.attempt ?? 0;
const newerCreated = (a: Container, b: Container): number => {
  const x = BigInt(b.createdAt);
  const y = BigInt(a.createdAt);
  return x > y ? 1 : x < y ? -1 : 0;
};
const byNewest = (a: Container, b: Container): number => attemptOf(b) - attemptOf(a) || newerCreated(a, b);

/**
 * The pod's containers as the runtime knows them, found by kubelet's labels (an edge-local caller may not
 * know the uid: then the newest pod of that name wins).
 */
async function podContainers(cri: CriClient, pod: PodRef): Promise<Container[]> {
  const selector: Record<string, string> = pod.uid ? { [POD_UID]: pod.uid } : { [POD_NAME]: pod.name, [POD_NAMESPACE]: pod.namespace };
  const all = (await cri.listContainers({ filter: { labelSelector: selector } })).containers;
  if (pod.uid || all.length === 0) return all;
  const newest = [...all].sort(newerCreated)[0]!;
  return all.filter((c) => c.labels[POD_UID] === newest.labels[POD_UID]);
}

/**
 * The container a log or exec request means, with kubelet's choices and messages: the newest attempt of
 * the named container, or with `previous` the one before it (pkg/kubelet/kubelet_pods.go
 * validateContainerLogStatus).
 */
export async function findContainer(cri: CriClient, pod: PodRef, container: string | undefined, previous = false): Promise<FoundContainer> {
  const all = await podContainers(cri, pod);
  const names = [...new Set(all.map((c) => c.labels[CONTAINER_NAME] ?? c.metadata?.name ?? ''))].sort();
  let name = container;
  if (!name) {
    if (names.length === 0) throw new ApiError('NotFound', `pod "${pod.name}" has no containers on this node (is it running here?)`);
    if (names.length > 1) throw badRequest(`a container name must be specified for pod ${pod.name}, choose one of: [${names.join(' ')}]`);
    name = names[0]!;
  }
  const mine = all.filter((c) => (c.labels[CONTAINER_NAME] ?? c.metadata?.name) === name).sort(byNewest);
  const pick = previous ? mine[1] : mine[0];
  if (!pick) {
    if (previous) throw badRequest(`previous terminated container "${name}" in pod "${pod.name}" not found`);
    throw badRequest(`container "${name}" in pod "${pod.name}" is waiting to start: ContainerCreating`);
  }
  return { id: pick.id, name, attempt: attemptOf(pick), running: pick.state === 'CONTAINER_RUNNING' };
}

/** The log file the runtime writes for a container (CRI ContainerStatus.logPath). */
export async function containerLogPath(cri: CriClient, id: string): Promise<string> {
  const s = (await cri.containerStatus({ containerId: id })).status;
  if (!s?.logPath) throw new ApiError('NotFound', `container ${id.slice(0, 12)} has no log file`);
  return s.logPath;
}

export async function isRunning(cri: CriClient, id: string): Promise<boolean> {
  try {
    return (await cri.containerStatus({ containerId: id })).status?.state === 'CONTAINER_RUNNING';
  } catch {
    return false;
  }
}
