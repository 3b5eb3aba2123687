import { ApiError, type KubeObject } from '@kedge/api';
import { getDataObject, podFieldValue, resourceFieldValue, type DataKind, type NodeInfo, type ObjectGetter } from '../env/index.js';
import type { Payload } from './atomic-writer.js';

const DEFAULT_MODE = 0o644;

interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

export interface PayloadContext {
  pod: KubeObject;
  store: ObjectGetter;
  node: NodeInfo;
}

/**
 * Files of a configMap or secret source (kubelet MakePayload): every key when `items` is absent,
 * else just the listed keys at their paths. A missing object is an empty payload when optional and an
 * error naming it otherwise; a listed key that is missing likewise.
 */
function dataPayload(out: Payload, ctx: PayloadContext, kind: DataKind, name: string, items: KeyToPath[] | undefined, optional: boolean, defaultMode: number): void {
  const ns = ctx.pod.metadata.namespace ?? 'default';
  const data = getDataObject(ctx.store, kind, ns, name, optional);
  if (!data) return;
  if (!items?.length) {
    for (const [k, v] of data) out.set(k, { data: v, mode: defaultMode });
    return;
  }
  for (const it of items) {
    const v = data.get(it.key);
    if (v === undefined) {
      if (optional) continue;
      throw new ApiError('NotFound', `${kind} ${ns}/${name} references non-existent key ${it.key}`, { details: { name, kind: `${kind}s` } });
    }
    out.set(it.path, { data: v, mode: it.mode ?? defaultMode });
  }
}

function downwardPayload(out: Payload, ctx: PayloadContext, items: any[] | undefined, defaultMode: number): void {
  for (const it of items ?? []) {
    let value: string;
    if (it.fieldRef) value = podFieldValue(ctx.pod, it.fieldRef.fieldPath, { node: ctx.node }, true);
    else if (it.resourceFieldRef) {
      const all = [...((ctx.pod.spec?.initContainers ?? []) as any[]), ...((ctx.pod.spec?.containers ?? []) as any[])];
      const c = all.find((x) => x.name === it.resourceFieldRef.containerName);
      if (!c) throw new ApiError('Invalid', `downwardAPI item "${it.path}": no container "${it.resourceFieldRef.containerName}"`);
      value = resourceFieldValue(c, it.resourceFieldRef, ctx.node);
    } else continue;
    out.set(it.path, { data: Buffer.from(value), mode: it.mode ?? defaultMode });
  }
}

/** The kinds of volume whose content comes from API objects and is written with the AtomicWriter. */
export function isProjectedKind(volume: any): boolean {
  return Boolean(volume.configMap || volume.secret || volume.projected || volume.downwardAPI);
}

/** The full file set of an API-data volume, read from the edge cache. */
export function volumePayload(volume: any, ctx: PayloadContext): Payload {
  const out: Payload = new Map();
  if (volume.configMap) {
    const v = volume.configMap;
    dataPayload(out, ctx, 'configmap', v.name ?? '', v.items, v.optional === true, v.defaultMode ?? DEFAULT_MODE);
  } else if (volume.secret) {
    const v = volume.secret;
    dataPayload(out, ctx, 'secret', v.secretName ?? '', v.items, v.optional === true, v.defaultMode ?? DEFAULT_MODE);
  } else if (volume.downwardAPI) {
    downwardPayload(out, ctx, volume.downwardAPI.items, volume.downwardAPI.defaultMode ?? DEFAULT_MODE);
  } else if (volume.projected) {
    const mode = volume.projected.defaultMode ?? DEFAULT_MODE;
    for (const src of (volume.projected.sources ?? []) as any[]) {
      if (src.configMap) dataPayload(out, ctx, 'configmap', src.configMap.name ?? '', src.configMap.items, src.configMap.optional === true, mode);
      else if (src.secret) dataPayload(out, ctx, 'secret', src.secret.name ?? '', src.secret.items, src.secret.optional === true, mode);
      else if (src.downwardAPI) downwardPayload(out, ctx, src.downwardAPI.items, mode);
      // TODO(issue 4): serviceAccountToken sources need a pod-bound TokenRequest through the edge link
      // (edgecontroller answers serviceaccounttoken queries); until then the token file is not written.
    }
  }
  return out;
}
