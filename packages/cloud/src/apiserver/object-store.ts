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

/**
 * Stored JSON: apiVersion, kind, metadata first and no resourceVersion. The fixed order lets
 * `jsonOf` splice the resourceVersion into the text without parsing (apiVersion and kind are
 * server-set strings, so the first `"metadata":{` is the object's own).
 */
/** JSON of a stored object as served by `def` (CRD versions differ only in apiVersion). */
export function jsonFor(def: ResourceDef, kv: KeyValue): string {
  if (!def.multiVersion) return jsonOf(kv);
  return JSON.stringify({ ...decodeShared(kv).obj, apiVersion: `${def.group}/${def.version}` });
}

export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, ...meta } = obj.metadata;
  const { apiVersion, kind, metadata: _m, ...rest } = obj;
  return JSON.stringify({ apiVersion, kind, metadata: meta, ...rest });
}

const metaMarker = '"metadata":{';
const jsonCache = new WeakMap<KeyValue, string>();

/** The object's JSON text with metadata.resourceVersion = modRevision, parsing only when needed. */
export function jsonOf(kv: KeyValue): string {
  const hit = decoded.get(kv)?.json ?? jsonCache.get(kv);
  if (hit !== undefined) return hit;
  const v = kv.value;
  const at = v.indexOf(metaMarker);
  let out: string;
  if (v.startsWith('{"apiVersion":') && at > 0 && v[at + metaMarker.length] !== '}' && at < 200) {
    const cut = at + metaMarker.length;
    out = `${v.slice(0, cut)}"resourceVersion":"${kv.modRevision}",${v.slice(cut)}`;
  } else out = decodeShared(kv).json;
  jsonCache.set(kv, out);
  return out;
}

/** Thin typed access to the backend for strategies (e.g. clusterIP allocation, namespace checks). */
export class ObjectStore {
  constructor(readonly backend: Backend) {}

  async get(def: ResourceDef, namespace: string | undefined, name: string): Promise<{ obj: KubeObject; kv: KeyValue } | undefined> {
    const kv = await this.backend.get(objectKeyFor(def, namespace, name));
    if (!kv) return undefined;
    const obj = decodeKv(kv);
    if (def.multiVersion) obj.apiVersion = `${def.group}/${def.version}`;
    return { obj, kv };
  }

  async listAll(prefix: string): Promise<KubeObject[]> {
    const r = await this.backend.list(prefix);
    return r.items.map((kv) => decodeShared(kv).obj);
  }
}
