import { isAlreadyExists, isNotFound, R, type KubeObject, type ResourceRef } from '@kedge/api';
import type { Informer, InformerFactory, KubeClient } from '@kedge/core';
import type { Logger } from 'pino';
import { compareRv } from './classify.js';

/** What an ACK tells the sync store: the edge now holds `rv` of this object (or nothing, for deletes). */
export interface SyncRecord {
  node: string;
  uid: string;
  /** Absent or "null" for cluster-scoped objects → ClusterObjectSync. */
  namespace?: string;
  apiVersion: string;
  kind: string;
  name: string;
  rv: string;
}

/**
 * ObjectSync / ClusterObjectSync bookkeeping (kubeedge-reference.md §4): the RV each node last acknowledged
 * per object UID. Reads come from informer caches plus what this hub recorded itself; writes are
 * coalesced per sync object and flushed in small parallel batches so a burst of ACKs costs one write each.
 */
export interface SyncStore {
  /** RV the node acknowledged for `uid`, or undefined when nothing is recorded. */
  acked(node: string, uid: string): string | undefined;
  record(r: SyncRecord): void;
  remove(r: Pick<SyncRecord, 'node' | 'uid' | 'namespace'>): void;
  waitForSync(signal?: AbortSignal): Promise<void>;
  /** Writes everything pending; used at shutdown and by tests. */
  flush(): Promise<void>;
  pendingWrites(): number;
}

interface PendingWrite {
  ref: ResourceRef;
  namespace?: string;
  name: string;
  /** undefined = delete. */
  record?: SyncRecord;
  attempts: number;
}

export interface SyncStoreOptions {
  client: KubeClient;
  informers: InformerFactory;
  log: Logger;
  /** Parallel API writes while flushing. */
  concurrency?: number;
  /** Delay that lets a burst of ACKs coalesce into one flush. */
  batchDelayMs?: number;
}

const syncName = (node: string, uid: string) => `${node}.${uid}`;
const clusterScoped = (ns: string | undefined) => !ns || ns === 'null';

export function createSyncStore(o: SyncStoreOptions): SyncStore {
  const log = o.log;
  const concurrency = o.concurrency ?? 16;
  const batchDelayMs = o.batchDelayMs ?? 20;
  // name → last RV known to be recorded (from the API or from our own ACK handling).
  const known = new Map<string, string>();
  const pending = new Map<string, PendingWrite>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;

  const informers: Informer[] = [R.objectsyncs, R.clusterobjectsyncs].map((r) => {
    const inf = o.informers.informer(r);
    inf.on({
      add: (obj) => learn(obj),
      update: (_old, obj) => learn(obj),
      delete: (obj) => {
        if (obj.metadata.name && !pending.has(obj.metadata.name)) known.delete(obj.metadata.name);
      },
    });
    return inf;
  });

  function learn(obj: KubeObject): void {
    const name = obj.metadata.name;
    const rv = obj.status?.objectResourceVersion;
    if (!name || typeof rv !== 'string') return;
    const cur = known.get(name);
    if (cur === undefined || compareRv(rv, cur) > 0) known.set(name, rv);
  }

  function schedule(delay = batchDelayMs): void {
    if (timer || flushing) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flushNow();
    }, delay);
    timer.unref();
  }

  async function write(w: PendingWrite): Promise<void> {
    const inf = informers[w.ref === R.objectsyncs ? 0 : 1]!;
    if (!w.record) {
      try {
        await o.client.delete(w.ref, w.namespace, w.name);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }
    const r = w.record;
    const status = { status: { objectResourceVersion: r.rv } };
    const cacheKey = w.namespace ? `${w.namespace}/${w.name}` : w.name;
    if (!inf.get(cacheKey)) {
      const obj: KubeObject = {
        apiVersion: 'reliablesyncs.kubeedge.io/v1alpha1',
        kind: w.ref.kind,
        metadata: { name: w.name, ...(w.namespace ? { namespace: w.namespace } : {}) },
        spec: { objectAPIVersion: r.apiVersion, objectKind: r.kind, objectName: r.name },
      };
      try {
        await o.client.create(w.ref, obj);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
    try {
      await o.client.patch(w.ref, w.namespace, w.name, 'merge', status, { subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      // The cache was stale (deleted behind our back): create, then set the status.
      await o.client.create(w.ref, { apiVersion: 'reliablesyncs.kubeedge.io/v1alpha1', kind: w.ref.kind, metadata: { name: w.name, ...(w.namespace ? { namespace: w.namespace } : {}) }, spec: { objectAPIVersion: r.apiVersion, objectKind: r.kind, objectName: r.name } });
      await o.client.patch(w.ref, w.namespace, w.name, 'merge', status, { subresource: 'status' });
    }
  }

  async function drain(): Promise<void> {
    let retryLater = false;
    while (pending.size > 0) {
      const batch = [...pending.values()].slice(0, concurrency);
      for (const w of batch) pending.delete(w.name);
      await Promise.all(batch.map(async (w) => {
        try {
          await write(w);
        } catch (err) {
          w.attempts++;
          log.warn({ err, objectSync: w.name, attempts: w.attempts }, 'object sync write failed');
          // A newer write for the same object supersedes the failed one.
          if (!pending.has(w.name)) pending.set(w.name, w);
          retryLater = true;
        }
      }));
      if (retryLater) break;
    }
    if (retryLater) {
      flushing = undefined;
      schedule(1000);
    }
  }

  async function flushNow(): Promise<void> {
    if (flushing) return flushing;
    flushing = drain().finally(() => {
      flushing = undefined;
    });
    return flushing;
  }

  return {
    acked: (node, uid) => known.get(syncName(node, uid)),
    record(r) {
      const name = syncName(r.node, r.uid);
      const cur = known.get(name);
      if (cur !== undefined && compareRv(r.rv, cur) <= 0 && !pending.has(name)) return;
      if (cur === undefined || compareRv(r.rv, cur) > 0) known.set(name, r.rv);
      const cluster = clusterScoped(r.namespace);
      pending.set(name, { ref: cluster ? R.clusterobjectsyncs : R.objectsyncs, namespace: cluster ? undefined : r.namespace, name, record: { ...r, rv: known.get(name)! }, attempts: 0 });
      schedule();
    },
    remove(r) {
      const name = syncName(r.node, r.uid);
      known.delete(name);
      const cluster = clusterScoped(r.namespace);
      pending.set(name, { ref: cluster ? R.clusterobjectsyncs : R.objectsyncs, namespace: cluster ? undefined : r.namespace, name, attempts: 0 });
      schedule();
    },
    async waitForSync(signal) {
      await Promise.all(informers.map((i) => i.waitForSync(signal)));
    },
    async flush() {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      for (let i = 0; i < 5 && (pending.size > 0 || flushing); i++) {
        await (flushing ?? flushNow());
      }
    },
    pendingWrites: () => pending.size,
  };
}
