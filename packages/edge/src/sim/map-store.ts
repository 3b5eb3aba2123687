import { NULL_NAMESPACE, type KubeObject, type ResourceRef } from '@kedge/api';
import { refForEdgeType } from '../metamanager/edge-types.js';
import { parseRv, type MetaStore, type PutResult, type StoreEntry, type StoreEvent } from '../metamanager/meta-store.js';

interface Row {
  edgeType: string;
  ref: ResourceRef | undefined;
  namespace: string;
  name: string;
  entry: StoreEntry;
}

const sameRef = (a: ResourceRef | undefined, b: ResourceRef): boolean => !!a && a.group === b.group && a.resource === b.resource;

/**
 * The MetaStore contract on a Map, for hollow nodes: the same ordering rules as the SQLite store (an
 * older resourceVersion is ignored, deletes may be UID-checked) without a database per node. Objects
 * are kept by reference — hollow nodes never mutate what they read.
 */
export function createMapStore(): MetaStore {
  const rows = new Map<string, Row>();
  const listeners = new Set<(ev: StoreEvent) => void>();
  let rev = 0;

  const keyOf = (edgeType: string, namespace: string | undefined, name: string): [string, string] => {
    const ref = refForEdgeType(edgeType);
    const ns = ref && !ref.namespaced ? NULL_NAMESPACE : namespace || NULL_NAMESPACE;
    return [`${ns}/${edgeType}/${name}`, ns];
  };
  const emit = (ev: StoreEvent): void => {
    for (const l of listeners) l(ev);
  };

  const store: MetaStore = {
    put(obj: KubeObject, edgeType: string): PutResult {
      const name = obj.metadata.name ?? '';
      const [key, namespace] = keyOf(edgeType, obj.metadata.namespace, name);
      const old = rows.get(key);
      const newRv = parseRv(obj.metadata.resourceVersion);
      const oldRv = parseRv(old?.entry.obj.metadata.resourceVersion);
      if (old && oldRv !== undefined && newRv !== undefined && newRv < oldRv) return 'ignored';
      const ref = refForEdgeType(edgeType);
      const entry = { obj, revision: ++rev };
      rows.set(key, { edgeType, ref, namespace, name, entry });
      if (ref) emit({ type: old ? 'MODIFIED' : 'ADDED', resource: ref, edgeType, obj, ...(old ? { oldObj: old.entry.obj } : {}), revision: rev });
      return old ? 'modified' : 'added';
    },
    delete(edgeType, namespace, name, uid) {
      const [key] = keyOf(edgeType, namespace, name);
      const old = rows.get(key);
      if (!old) return undefined;
      if (uid && old.entry.obj.metadata.uid && old.entry.obj.metadata.uid !== uid) return undefined;
      rows.delete(key);
      rev++;
      if (old.ref) emit({ type: 'DELETED', resource: old.ref, edgeType, obj: old.entry.obj, oldObj: old.entry.obj, revision: rev });
      return old.entry.obj;
    },
    get(edgeType, namespace, name) {
      return rows.get(keyOf(edgeType, namespace, name)[0])?.entry.obj;
    },
    getEntry(ref, namespace, name) {
      for (const r of rows.values()) {
        if (sameRef(r.ref, ref) && r.name === name && (!ref.namespaced || r.namespace === namespace)) return r.entry;
      }
      return undefined;
    },
    list(edgeType, namespace) {
      return [...rows.values()].filter((r) => r.edgeType === edgeType && (!namespace || r.namespace === namespace)).map((r) => r.entry.obj);
    },
    listByResource(ref, namespace) {
      return store.entriesByResource(ref, namespace).map((e) => e.obj);
    },
    entriesByResource(ref, namespace) {
      return [...rows.values()].filter((r) => sameRef(r.ref, ref) && (!namespace || r.namespace === namespace)).map((r) => r.entry);
    },
    revision: () => rev,
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      rows.clear();
      listeners.clear();
    },
  };
  return store;
}
