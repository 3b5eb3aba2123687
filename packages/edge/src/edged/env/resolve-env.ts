import type { KubeObject } from '@kedge/api';
import { expand } from './expand.js';
import { podFieldValue, resourceFieldValue, type FieldContext, type NodeInfo } from './field-ref.js';
import { getDataObject, missingKey, type DataKind, type ObjectGetter } from './object-data.js';

export interface EnvVar {
  name: string;
  value: string;
}

export interface ResolveEnvOptions {
  /** The sandbox's IPs for `status.podIP(s)`; defaults to the pod object's status. */
  podIPs?: string[];
}

interface KeyRef {
  name?: string;
  key: string;
  optional?: boolean;
}

// Env names may be any printable ASCII but '=' (RelaxedEnvironmentVariableValidation, GA in 1.34);
// kubelet skips envFrom keys that fail it instead of failing the container.
const ENV_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;

/**
 * A container's environment as kubelet builds it (makeEnvironmentVariables): envFrom sources first
 * (values verbatim, invalid keys skipped), then `env` in order, where plain values get `$(VAR)`
 * expansion against everything defined before them and valueFrom values are taken verbatim. A later
 * definition replaces an earlier one in place. A missing non-optional ConfigMap, Secret or key throws
 * a NotFound ApiError naming it. Service link variables are not generated (no kube-proxy at the edge).
 */
export function resolveEnv(pod: KubeObject, container: any, store: ObjectGetter, node: NodeInfo, opts: ResolveEnvOptions = {}): EnvVar[] {
  const ns = pod.metadata.namespace ?? 'default';
  const ctx: FieldContext = { node, ...(opts.podIPs ? { podIPs: opts.podIPs } : {}) };
  const vars = new Map<string, string>();

  for (const src of (container.envFrom ?? []) as any[]) {
    const kind: DataKind | undefined = src.configMapRef ? 'configmap' : src.secretRef ? 'secret' : undefined;
    if (!kind) continue;
    const ref = kind === 'configmap' ? src.configMapRef : src.secretRef;
    const data = getDataObject(store, kind, ns, ref.name ?? '', ref.optional === true);
    if (!data) continue;
    for (const [k, v] of data) {
      const name = (src.prefix ?? '') + k;
      if (ENV_NAME.test(name)) vars.set(name, v.toString('utf8'));
    }
  }

  for (const ev of (container.env ?? []) as any[]) {
    const value = envValue(ev, pod, container, store, ns, ctx, vars);
    if (value !== undefined) vars.set(ev.name, value);
  }
  return [...vars].map(([name, value]) => ({ name, value }));
}

function envValue(ev: any, pod: KubeObject, container: any, store: ObjectGetter, ns: string, ctx: FieldContext, vars: Map<string, string>): string | undefined {
  const from = ev.valueFrom;
  if (!from) return expand(ev.value ?? '', (n) => vars.get(n));
  if (from.fieldRef) return podFieldValue(pod, from.fieldRef.fieldPath, ctx);
  if (from.resourceFieldRef) {
    const target = from.resourceFieldRef.containerName ? findContainer(pod, from.resourceFieldRef.containerName) ?? container : container;
    return resourceFieldValue(target, from.resourceFieldRef, ctx.node);
  }
  if (from.configMapKeyRef) return keyValue(store, 'configmap', ns, from.configMapKeyRef as KeyRef);
  if (from.secretKeyRef) return keyValue(store, 'secret', ns, from.secretKeyRef as KeyRef);
  return undefined;
}

function keyValue(store: ObjectGetter, kind: DataKind, ns: string, ref: KeyRef): string | undefined {
  const optional = ref.optional === true;
  const data = getDataObject(store, kind, ns, ref.name ?? '', optional);
  if (!data) return undefined;
  const v = data.get(ref.key);
  if (v !== undefined) return v.toString('utf8');
  if (optional) return undefined;
  throw missingKey(kind, ns, ref.name ?? '', ref.key);
}

function findContainer(pod: KubeObject, name: string): any {
  const all = [...((pod.spec?.initContainers ?? []) as any[]), ...((pod.spec?.containers ?? []) as any[])];
  return all.find((c) => c.name === name);
}
