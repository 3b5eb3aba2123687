import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { KubeObject } from '@kedge/api';
import type { ContainerConfig, KeyValue, PodSandboxConfig } from '../../cri/index.js';
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

/** Seconds the runtime waits between SIGTERM and SIGKILL (pod spec, or the delete's own, default 30). */
export function gracePeriodSeconds(pod: KubeObject): number {
  const g = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds;
  return typeof g === 'number' && g >= 0 ? g : 30;
}

/** `<podLogDir>/<ns>_<name>_<uid>`, kubelet's layout under /var/log/pods. */
export function podLogDirectory(podLogDir: string, p: PodRef): string {
  return join(podLogDir, `${p.namespace}_${p.name}_${p.uid}`);
}

export function sandboxConfig(pod: KubeObject, o: { podLogDir: string; attempt: number }): PodSandboxConfig {
  const p = podRef(pod);
  return {
    metadata: { name: p.name, namespace: p.namespace, uid: p.uid, attempt: o.attempt },
    // No hostname: a host-network sandbox shares the node's UTS namespace (and so its hostname), and
    // runc refuses to set one there.
    logDirectory: podLogDirectory(o.podLogDir, p),
    labels: podLabels(p.uid, p.name, p.namespace),
    annotations: { [GRACE_PERIOD]: String(gracePeriodSeconds(pod)) },
    linux: { securityContext: { namespaceOptions: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } } },
  };
}

function envs(c: ContainerSpec): KeyValue[] {
  // TODO(issue 4): valueFrom (configMapKeyRef, secretKeyRef, fieldRef) needs the MetaStore; next slice.
  return (c.env ?? []).filter((e) => e.valueFrom === undefined).map((e) => ({ key: e.name, value: e.value ?? '' }));
}

/** Hash of what the container is created from: a change to it (e.g. `kubectl set image`) recreates it. */
export function containerHash(c: ContainerSpec): string {
  const basis = JSON.stringify([c.image ?? '', c.command ?? [], c.args ?? [], c.workingDir ?? '', envs(c)]);
  return createHash('sha256').update(basis).digest('hex').slice(0, 16);
}

export function containerConfig(pod: KubeObject, c: ContainerSpec, attempt: number): ContainerConfig {
  const p = podRef(pod);
  const cfg: ContainerConfig = {
    metadata: { name: c.name, attempt },
    image: { image: c.image ?? '' },
    envs: envs(c),
    labels: { ...podLabels(p.uid, p.name, p.namespace), [CONTAINER_NAME]: c.name },
    annotations: { [GRACE_PERIOD]: String(gracePeriodSeconds(pod)), [CONTAINER_HASH]: containerHash(c) },
    logPath: `${c.name}/${attempt}.log`,
  };
  if (c.command?.length) cfg.command = c.command;
  if (c.args?.length) cfg.args = c.args;
  if (c.workingDir) cfg.workingDir = c.workingDir;
  return cfg;
}
