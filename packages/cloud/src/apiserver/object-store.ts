import type { KubeObject } from '@kedge/api';
import type { Backend, KeyValue } from '../storage/types.js';
import type { ResourceDef } from './registry/types.js';

/** `/registry/<group|core>/<plural>/` */
export function storagePrefixFor(group: string, plural: string): string {
  return `/registry/${group || 'core'}/${plural}/`;
}

/** Prefix of a collection: all namespaces when `namespace` is undefined. */
export function collectionPrefix(def: ResourceDef, namespace?: string): string {
  return def.namespaced && namespace ? `${def.storagePrefix}${namespace}/` : def.storagePrefix;
}

export function objectKeyFor(def: ResourceDef, namespace: string | undefined, name: string): string {
  return def.namespaced ? `${def.storagePrefix}${namespace}/${name}` : `${def.storagePrefix}${name}`;
}

// Decoding is cached per KeyValue so one storage event fanned out to many watchers is parsed and
// serialised once (the backend hands every watcher the same event objects).
const decoded = new WeakMap<KeyValue, { obj: KubeObject; json: string }>();

/** The stored object with metadata.resourceVersion = the kv's modRevision (never the stored copy's). */
export function decodeKv(kv: KeyValue): KubeObject {
  return structuredClone(decodeShared(kv).obj);
}

/** Shared, read-only decoded object + its JSON text; callers must not mutate it. */
export function decodeShared(kv: KeyValue): { obj: KubeObject; json: string } {
  let d = decoded.get(kv);
  if (!d) {
    const obj = JSON.parse(kv.value) as KubeObject;
    obj.metadata = obj.metadata ?? {};
    obj.metadata.resourceVersion = String(kv.modRevision);
    d = { obj, json: JSON.stringify(obj) };
    decoded.set(kv, d);
  }
  return d;
}

export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, ...meta } = obj.metadata;
  return JSON.stringify({ ...obj, metadata: meta });
}

/** Thin typed access to the backend for strategies (e.g. clusterIP allocation, namespace checks). */
export class ObjectStore {
  constructor(readonly backend: Backend) {}

  async get(def: ResourceDef, namespace: string | undefined, name: string): Promise<{ obj: KubeObject; kv: KeyValue } | undefined> {
    const kv = await this.backend.get(objectKeyFor(def, namespace, name));
    return kv ? { obj: decodeKv(kv), kv } : undefined;
  }

  async listAll(prefix: string): Promise<KubeObject[]> {
    const r = await this.backend.list(prefix);
    return r.items.map((kv) => decodeShared(kv).obj);
  }
}
