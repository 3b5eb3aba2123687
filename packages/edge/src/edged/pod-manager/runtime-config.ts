import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { KubeObject } from '@kedge/api';
import type { ContainerConfig, KeyValue, Mount, NamespaceOption, PodSandboxConfig } from '../../cri/index.js';
import { expand, lookupIn } from '../env/index.js';
import { linuxResources, portMappings } from './resources.js';
import { CONTAINER_HASH, CONTAINER_NAME, GRACE_PERIOD, podLabels } from './labels.js';

/** The subset of a v1 Container this slice runs. */
export interface ContainerSpec {
  name: string;
  image?: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  envFrom?: unknown[];
  volumeMounts?: unknown[];
  ports?: Array<{ name?: string; containerPort: number; hostPort?: number; protocol?: string }>;
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  startupProbe?: unknown;
}

export interface PodRef {
  uid: string;
  name: string;
  namespace: string;
}

export function podRef(pod: KubeObject): PodRef {
  return { uid: pod.metadata.uid ?? '', name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? 'default' };
}

export const podKey = (p: PodRef): string => `${p.namespace}/${p.name}`;

export function containersOf(pod: KubeObject): ContainerSpec[] {
  return (pod.spec?.containers ?? []) as ContainerSpec[];
}

export function initContainersOf(pod: KubeObject): ContainerSpec[] {
  return (pod.spec?.initContainers ?? []) as ContainerSpec[];
}

/** Seconds the runtime waits between SIGTERM and SIGKILL (pod spec, or the delete's own, default 30). */
export function gracePeriodSeconds(pod: KubeObject): number {
  const g = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds;
  return typeof g === 'number' && g >= 0 ? g : 30;
}

/** `<podLogDir>/<ns>_<name>_<uid>`, kubelet's layout under /var/log/pods. */
export function podLogDirectory(podLogDir: string, p: PodRef): string {
  return join(podLogDir, `${p.namespace}_${p.name}_${p.uid}`);
}

/** kubelet's namespacesForPod: each container has its own PID namespace unless shareProcessNamespace. */
function namespaceOptions(pod: KubeObject): NamespaceOption {
  return {
    network: pod.spec?.hostNetwork === true ? 'NODE' : 'POD',
    pid: pod.spec?.hostPID === true ? 'NODE' : pod.spec?.shareProcessNamespace === true ? 'POD' : 'CONTAINER',
    ipc: pod.spec?.hostIPC === true ? 'NODE' : 'POD',
  };
}

export function sandboxConfig(pod: KubeObject, o: { podLogDir: string; attempt: number }): PodSandboxConfig {
  const p = podRef(pod);
  const hostNetwork = pod.spec?.hostNetwork === true;
  const cfg: PodSandboxConfig = {
    metadata: { name: p.name, namespace: p.namespace, uid: p.uid, attempt: o.attempt },
    logDirectory: podLogDirectory(o.podLogDir, p),
    labels: podLabels(p.uid, p.name, p.namespace),
    annotations: { [GRACE_PERIOD]: String(gracePeriodSeconds(pod)) },
    linux: { securityContext: { namespaceOptions: namespaceOptions(pod) } },
  };
  // A host-network sandbox shares the node's UTS namespace (and so its hostname), and runc refuses to
  // set one there; a pod-network sandbox gets the pod's name (or spec.hostname), as kubelet does.
  if (!hostNetwork) cfg.hostname = (pod.spec?.hostname as string | undefined) ?? p.name;
  const ports = portMappings(pod);
  if (ports.length) cfg.portMappings = ports;
  return cfg;
}

/** JSON with sorted object keys, so a hash does not depend on the order a cache stored fields in. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/**
 * Hash of the container spec as written (kubelet hashes the spec, not resolved env values: a ConfigMap
 * change does not restart a container). Resources are left out, as kubelet does since in-place resize.
 */
export function containerHash(c: ContainerSpec): string {
  const basis = stable([c.image ?? '', c.command ?? [], c.args ?? [], c.workingDir ?? '', c.env ?? [], c.envFrom ?? [], c.volumeMounts ?? [], c.ports ?? []]);
  return createHash('sha256').update(basis).digest('hex').slice(0, 16);
}

/** What the pod manager resolves for a container before creating it. */
export interface ContainerExtras {
  envs: KeyValue[];
  mounts: Mount[];
}

export function containerConfig(pod: KubeObject, c: ContainerSpec, attempt: number, extras: ContainerExtras): ContainerConfig {
  const p = podRef(pod);
  const cfg: ContainerConfig = {
    metadata: { name: c.name, attempt },
    image: { image: c.image ?? '' },
    envs: extras.envs,
    mounts: extras.mounts,
    labels: { ...podLabels(p.uid, p.name, p.namespace), [CONTAINER_NAME]: c.name },
    annotations: { [GRACE_PERIOD]: String(gracePeriodSeconds(pod)), [CONTAINER_HASH]: containerHash(c) },
    logPath: `${c.name}/${attempt}.log`,
    // CRI's zero value for pid is POD (shared with the pause process); kubelet asks for CONTAINER.
    linux: { resources: linuxResources(c.resources), securityContext: { namespaceOptions: namespaceOptions(pod) } },
  };
  // $(VAR) references in command and args expand against the resolved env (kubelet's ExpandContainerCommandAndArgs).
  const look = lookupIn(extras.envs.map((e) => ({ name: e.key, value: e.value })));
  if (c.command?.length) cfg.command = c.command.map((s) => expand(s, look));
  if (c.args?.length) cfg.args = c.args.map((s) => expand(s, look));
  if (c.workingDir) cfg.workingDir = c.workingDir;
  return cfg;
}
