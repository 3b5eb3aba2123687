import { ApiError, type KubeObject } from '@kedge/api';

/**
 * Read access to the edge's cached objects; MetaStore satisfies it. Edge types are KubeEdge's
 * lowercase resource types (`configmap`, `secret`).
 */
export interface ObjectGetter {
  get(edgeType: string, namespace: string | undefined, name: string): KubeObject | undefined;
}

export type DataKind = 'configmap' | 'secret';

const kindNames: Record<DataKind, string> = { configmap: 'ConfigMap', secret: 'Secret' };

/** The key → bytes content of a ConfigMap (`data` UTF-8 plus base64 `binaryData`) or Secret (base64 `data`). */
export function objectData(obj: KubeObject, kind: DataKind): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const data = (obj['data'] ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(data)) out.set(k, Buffer.from(v ?? '', kind === 'secret' ? 'base64' : 'utf8'));
  if (kind === 'configmap') {
    const bin = (obj['binaryData'] ?? {}) as Record<string, string>;
    for (const [k, v] of Object.entries(bin)) out.set(k, Buffer.from(v ?? '', 'base64'));
  }
  return out;
}

/**
 * Fetch a ConfigMap or Secret from the cache. Returns undefined when it is absent and `optional`;
 * throws a NotFound ApiError naming it otherwise (the pod manager shows the message as the
 * container's waiting reason, CreateContainerConfigError in kubelet).
 */
export function getDataObject(store: ObjectGetter, kind: DataKind, namespace: string, name: string, optional: boolean): Map<string, Buffer> | undefined {
  const obj = store.get(kind, namespace, name);
  if (obj) return objectData(obj, kind);
  if (optional) return undefined;
  throw new ApiError('NotFound', `${kind} "${name}" not found in namespace "${namespace}"`, {
    details: { name, kind: kindNames[kind].toLowerCase() + 's' },
  });
}

export function missingKey(kind: DataKind, namespace: string, name: string, key: string): ApiError {
  return new ApiError('NotFound', `couldn't find key ${key} in ${kindNames[kind]} ${namespace}/${name}`, {
    details: { name, kind: kindNames[kind].toLowerCase() + 's' },
  });
}
