import type { KubeObject } from '@kedge/api';

/** Object types the EdgeController places on edge nodes; the values are resource-string types. */
export type PlacedType = 'pod' | 'configmap' | 'secret' | 'node';

/**
 * Keys (`configmap/{ns}/{name}`, `secret/{ns}/{name}`) of every ConfigMap and Secret a pod needs on its
 * node: volumes (configMap, secret, projected sources), env valueFrom, envFrom and imagePullSecrets of
 * init, regular and ephemeral containers. Optional references count too: the edge may need them later.
 */
export function podReferenceKeys(pod: KubeObject): string[] {
  const ns = pod.metadata.namespace ?? 'default';
  const out = new Set<string>();
  const add = (type: 'configmap' | 'secret', name: unknown) => {
    if (typeof name === 'string' && name) out.add(`${type}/${ns}/${name}`);
  };
  const spec = pod.spec ?? {};
  for (const v of asArray(spec.volumes)) {
    add('configmap', v?.configMap?.name);
    add('secret', v?.secret?.secretName);
    for (const s of asArray(v?.projected?.sources)) {
      add('configmap', s?.configMap?.name);
      add('secret', s?.secret?.name);
    }
  }
  for (const c of [...asArray(spec.initContainers), ...asArray(spec.containers), ...asArray(spec.ephemeralContainers)]) {
    for (const e of asArray(c?.env)) {
      add('configmap', e?.valueFrom?.configMapKeyRef?.name);
      add('secret', e?.valueFrom?.secretKeyRef?.name);
    }
    for (const e of asArray(c?.envFrom)) {
      add('configmap', e?.configMapRef?.name);
      add('secret', e?.secretRef?.name);
    }
  }
  for (const s of asArray(spec.imagePullSecrets)) add('secret', s?.name);
  return [...out];
}

function asArray(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}
