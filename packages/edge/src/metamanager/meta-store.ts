import Database from 'better-sqlite3';
import { buildEdgeResource, NULL_NAMESPACE, type KubeObject, type ResourceRef } from '@kedge/api';
import { gvrString, metaV2Key, refForEdgeType } from './edge-types.js';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change of the cache; `revision` is the store's local revision at which it happened. */
export interface StoreEvent {
  type: StoreEventType;
  resource: ResourceRef;
  edgeType: string;
  obj: KubeObject;
  /** The previous object for MODIFIED and DELETED (lets filtered watches turn a change into ADDED/DELETED). */
  oldObj?: KubeObject;
  revision: number;
}

/** A cached object with the local revision of its last write. */
export interface StoreEntry {
  obj: KubeObject;
  revision: number;
}

export type PutResult = 'added' | 'modified' | 'ignored';

/**
 * The edge's metadata cache in KubeEdge's `meta` / `meta_v2` layout. Writes are synchronous, so a
 * write that returned is on disk before anything else (such as the ACK to the cloud) happens.
 * Objects returned are freshly parsed: callers may change them.
 */
export interface MetaStore {
  put(obj: KubeObject, edgeType: string): PutResult;
  /** Removes the object; with `uid`, only when the stored object's uid matches (KubeEdge's pod delete rule). */
  delete(edgeType: string, namespace: string | undefined, name: string, uid?: string): KubeObject | undefined;
  get(edgeType: string, namespace: string | undefined, name: string): KubeObject | undefined;
  getEntry(ref: ResourceRef, namespace: string | undefined, name: string): StoreEntry | undefined;
  list(edgeType: string, namespace?: string): KubeObject[];
  listByResource(ref: ResourceRef, namespace?: string): KubeObject[];
  entriesByResource(ref: ResourceRef, namespace?: string): StoreEntry[];
  /** Current local revision; grows by one with every accepted write. */
  revision(): number;
  /** In-process change feed; listeners run synchronously after the write commits. Returns an unsubscribe function. */
  watch(listener: (ev: StoreEvent) => void): () => void;
  close(): void;
}

export interface MetaStoreOptions {
  /** SQLite file, or ':memory:' (tests; hollow nodes use sim's createMapStore). */
  path: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, type TEXT, value TEXT);
CREATE INDEX IF NOT EXISTS meta_type ON meta(type);
CREATE TABLE IF NOT EXISTS meta_v2 (key TEXT PRIMARY KEY, group_version_resource TEXT, namespace TEXT, name TEXT, resource_version INTEGER, value TEXT);
CREATE INDEX IF NOT EXISTS meta_v2_gvr_ns ON meta_v2(group_version_resource, namespace);
-- kedge's own: local revision per meta key, and the global counter under key ''.
CREATE TABLE IF NOT EXISTS kedge_revision (key TEXT PRIMARY KEY, revision INTEGER NOT NULL);
`;

// Rows keep their local revision in kedge_revision under the meta_v2 key (or the meta key for types without one).
const V2_SELECT = 'SELECT m.value AS value, r.revision AS revision FROM meta_v2 m LEFT JOIN kedge_revision r ON r.key = m.key';

interface V2Row {
  value: string;
  revision: number | null;
}

const toEntry = (r: V2Row): StoreEntry => ({ obj: JSON.parse(r.value) as KubeObject, revision: r.revision ?? 0 });

/** A resourceVersion as a number when it is one (the cloud's are); anything else is not compared. */
export function parseRv(rv: unknown): number | undefined {
  if (typeof rv !== 'string' || !/^\d+$/.test(rv)) return undefined;
  return Number(rv);
}

export function openMetaStore(opts: MetaStoreOptions): MetaStore {
  return new SqliteMetaStore(opts.path);
}

interface Located {
  key: string;
  ref: ResourceRef | undefined;
  namespace: string;
  v2Key: string | undefined;
}

class SqliteMetaStore implements MetaStore {
  private readonly db: Database.Database;
  private readonly listeners = new Set<(ev: StoreEvent) => void>();
  private rev: number;
  private readonly stmt;

  constructor(path: string) {
    this.db = new Database(path);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SCHEMA);
    } catch (err) {
      this.db.close();
      throw err;
    }
    const db = this.db;
    this.stmt = {
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      putMeta: db.prepare('INSERT INTO meta (key, type, value) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET type = excluded.type, value = excluded.value'),
      delMeta: db.prepare('DELETE FROM meta WHERE key = ?'),
      listMeta: db.prepare<[string], { key: string; value: string }>('SELECT key, value FROM meta WHERE type = ? ORDER BY key'),
      getV2Rv: db.prepare<[string], { resource_version: number | null }>('SELECT resource_version FROM meta_v2 WHERE key = ?'),
      putV2: db.prepare(
        'INSERT INTO meta_v2 (key, group_version_resource, namespace, name, resource_version, value) VALUES (?, ?, ?, ?, ?, ?) ' +
          'ON CONFLICT(key) DO UPDATE SET group_version_resource = excluded.group_version_resource, namespace = excluded.namespace, ' +
          'name = excluded.name, resource_version = excluded.resource_version, value = excluded.value',
      ),
      delV2: db.prepare('DELETE FROM meta_v2 WHERE key = ?'),
      getV2: db.prepare<[string], V2Row>(`${V2_SELECT} WHERE m.key = ?`),
      listV2: db.prepare<[string], V2Row>(`${V2_SELECT} WHERE m.group_version_resource = ? ORDER BY m.key`),
      listV2Ns: db.prepare<[string, string], V2Row>(`${V2_SELECT} WHERE m.group_version_resource = ? AND m.namespace = ? ORDER BY m.key`),
      getRev: db.prepare<[string], { revision: number }>('SELECT revision FROM kedge_revision WHERE key = ?'),
      putRev: db.prepare('INSERT INTO kedge_revision (key, revision) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET revision = excluded.revision'),
      delRev: db.prepare('DELETE FROM kedge_revision WHERE key = ?'),
    };
    this.rev = this.stmt.getRev.get('')?.revision ?? 0;
  }

  private locate(edgeType: string, namespace: string | undefined, name: string): Located {
    const ref = refForEdgeType(edgeType);
    // Cluster-scoped objects use the literal `null` namespace in resource strings, whatever the sender put there.
    const ns = ref && !ref.namespaced ? NULL_NAMESPACE : namespace || NULL_NAMESPACE;
    return {
      key: buildEdgeResource(ns, edgeType, name),
      ref,
      namespace: ns,
      v2Key: ref ? metaV2Key(ref, ns === NULL_NAMESPACE ? undefined : ns, name) : undefined,
    };
  }

  private readMeta(key: string): KubeObject | undefined {
    const row = this.stmt.getMeta.get(key);
    return row ? (JSON.parse(row.value) as KubeObject) : undefined;
  }

  private bump(key: string | undefined): number {
    this.rev += 1;
    this.stmt.putRev.run('', this.rev);
    if (key !== undefined) this.stmt.putRev.run(key, this.rev);
    return this.rev;
  }

  /** Runs fn in a transaction; a rollback also rolls back the in-memory revision counter. */
  private tx<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (err) {
      this.rev = this.stmt.getRev.get('')?.revision ?? 0;
      throw err;
    }
  }

  private emit(ev: StoreEvent): void {
    for (const l of [...this.listeners]) l(ev);
  }

  put(obj: KubeObject, edgeType: string): PutResult {
    const name = obj.metadata?.name;
    if (!name) throw new Error('meta store: object without metadata.name');
    const loc = this.locate(edgeType, obj.metadata.namespace, name);
    const value = JSON.stringify(obj);
    const newRv = parseRv(obj.metadata.resourceVersion);
    const result = this.tx((): { result: PutResult; old?: KubeObject; revision: number } => {
      const old = this.readMeta(loc.key);
      const oldRv = old ? parseRv(old.metadata?.resourceVersion) : undefined;
      // Resends and reordered deliveries must not roll the cache back (the cloud's RVs only grow per object).
      if (old && oldRv !== undefined && newRv !== undefined && newRv < oldRv) return { result: 'ignored', revision: this.rev };
      this.stmt.putMeta.run(loc.key, edgeType, value);
      if (loc.ref && loc.v2Key) {
        this.stmt.putV2.run(loc.v2Key, gvrString(loc.ref), loc.namespace === NULL_NAMESPACE ? '' : loc.namespace, name, newRv ?? 0, value);
      }
      return { result: old ? 'modified' : 'added', ...(old ? { old } : {}), revision: this.bump(loc.v2Key ?? loc.key) };
    });
    if (result.result !== 'ignored' && loc.ref) {
      this.emit({
        type: result.result === 'added' ? 'ADDED' : 'MODIFIED',
        resource: loc.ref,
        edgeType,
        obj: JSON.parse(value) as KubeObject,
        ...(result.old ? { oldObj: result.old } : {}),
        revision: result.revision,
      });
    }
    return result.result;
  }

  delete(edgeType: string, namespace: string | undefined, name: string, uid?: string): KubeObject | undefined {
    const loc = this.locate(edgeType, namespace, name);
    const done = this.tx((): { old: KubeObject; revision: number } | undefined => {
      const old = this.readMeta(loc.key);
      if (!old) return undefined;
      if (uid && old.metadata?.uid && old.metadata.uid !== uid) return undefined;
      this.stmt.delMeta.run(loc.key);
      if (loc.v2Key) this.stmt.delV2.run(loc.v2Key);
      this.stmt.delRev.run(loc.v2Key ?? loc.key);
      // KubeEdge drops the pod's pending patch together with the pod.
      if (edgeType === 'pod') this.stmt.delMeta.run(buildEdgeResource(loc.namespace, 'podpatch', name));
      return { old, revision: this.bump(undefined) };
    });
    if (!done) return undefined;
    if (loc.ref) {
      this.emit({ type: 'DELETED', resource: loc.ref, edgeType, obj: done.old, oldObj: done.old, revision: done.revision });
    }
    return done.old;
  }

  get(edgeType: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.readMeta(this.locate(edgeType, namespace, name).key);
  }

  getEntry(ref: ResourceRef, namespace: string | undefined, name: string): StoreEntry | undefined {
    const row = this.stmt.getV2.get(metaV2Key(ref, namespace, name));
    return row ? toEntry(row) : undefined;
  }

  list(edgeType: string, namespace?: string): KubeObject[] {
    const ref = refForEdgeType(edgeType);
    const ns = ref && !ref.namespaced ? undefined : namespace;
    const prefix = ns ? `${ns}/${edgeType}/` : undefined;
    return this.stmt.listMeta
      .all(edgeType)
      .filter((r) => prefix === undefined || r.key.startsWith(prefix))
      .map((r) => JSON.parse(r.value) as KubeObject);
  }

  listByResource(ref: ResourceRef, namespace?: string): KubeObject[] {
    return this.entriesByResource(ref, namespace).map((e) => e.obj);
  }

  entriesByResource(ref: ResourceRef, namespace?: string): StoreEntry[] {
    const gvr = gvrString(ref);
    const rows = ref.namespaced && namespace ? this.stmt.listV2Ns.all(gvr, namespace) : this.stmt.listV2.all(gvr);
    return rows.map(toEntry);
  }

  revision(): number {
    return this.rev;
  }

  watch(listener: (ev: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }
}
