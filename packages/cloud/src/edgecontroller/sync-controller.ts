import { Op, R, isNotFound, objectKey, type KubeObject } from '@kedge/api';
import { sleep, type Informer, type InformerFactory, type KubeClient, type Module } from '@kedge/core';
import type { Logger } from 'pino';
import type { CloudHub } from '../cloudhub/types.js';
import { deleteMessage, downstreamMessage, minimalObject, rvNewer, type DownstreamOptions } from './messages.js';
import { typeOfKind, type Placement } from './placement.js';

export interface SyncControllerOptions {
  client: KubeClient;
  informers: InformerFactory;
  hub: CloudHub;
  log: Logger;
  placement: Placement;
  downstream: DownstreamOptions;
  /** KubeEdge's SyncController period. */
  periodMs?: number;
  /** The same correction is not handed to the hub again within this window (it is still queued there). */
  resendAfterMs?: number;
  now?: () => number;
}

/** `{node}.{uid}`: node names may contain dots, UIDs do not. */
export function parseSyncName(name: string): { node: string; uid: string } | undefined {
  const i = name.lastIndexOf('.');
  if (i <= 0 || i === name.length - 1) return undefined;
  return { node: name.slice(0, i), uid: name.slice(i + 1) };
}

/**
 * Compares every ObjectSync/ClusterObjectSync (what each edge acknowledged) with the informer caches:
 * objects gone from the API, replaced (other UID) or no longer meant for the node are sent as deletes,
 * objects whose resourceVersion advanced as updates; syncs of deleted nodes are removed. This is what
 * makes changes made while a node was away (or CloudCore was down) arrive after reconnect without a
 * relist per node (kubeedge-reference.md §4).
 */
export class SyncController implements Module {
  readonly name = 'synccontroller';
  private readonly objectSyncs: Informer;
  private readonly clusterObjectSyncs: Informer;
  private readonly log: Logger;
  private readonly periodMs: number;
  private readonly resendAfterMs: number;
  private readonly now: () => number;
  private readonly handed = new Map<string, { what: string; at: number }>();
  private running: Promise<void> = Promise.resolve();
  /**
   * node → informer keys of its syncs. A connect checks only that node's syncs: scanning all of them per
   * connect made a reconnect storm O(nodes × syncs) (docs/benchmarks.md, CloudHub round 4).
   */
  private readonly byNode = new Map<string, Set<string>>();

  constructor(private readonly o: SyncControllerOptions) {
    this.log = o.log.child({ module: 'synccontroller' });
    this.objectSyncs = o.informers.informer(R.objectsyncs);
    this.clusterObjectSyncs = o.informers.informer(R.clusterobjectsyncs);
    for (const inf of [this.objectSyncs, this.clusterObjectSyncs]) {
      inf.on({
        add: (obj) => this.index(obj, true),
        update: (_old, obj) => this.index(obj, true),
        delete: (obj) => this.index(obj, false),
      });
    }
    this.periodMs = o.periodMs ?? 5000;
    this.resendAfterMs = o.resendAfterMs ?? 30_000;
    this.now = o.now ?? Date.now;
  }

  async start(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    try {
      await Promise.all([this.objectSyncs, this.clusterObjectSyncs, ...this.o.placement.informers()].map((i) => i.waitForSync(signal)));
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    this.o.hub.onConnection((node, event) => {
      if (event !== 'connected' || signal.aborted) return;
      for (const sync of this.syncsOf(node)) this.handed.delete(sync.metadata.name!);
      this.schedule(node);
    });
    this.log.info({ periodMs: this.periodMs }, 'sync controller started');
    while (!signal.aborted) {
      this.schedule();
      await this.running;
      await sleep(this.periodMs, signal);
    }
    await this.running;
  }

  private index(sync: KubeObject, present: boolean): void {
    const id = parseSyncName(sync.metadata.name ?? '');
    if (!id) return;
    const key = objectKey(sync);
    let keys = this.byNode.get(id.node);
    if (present) {
      if (!keys) this.byNode.set(id.node, (keys = new Set()));
      keys.add(key);
    } else if (keys) {
      keys.delete(key);
      if (keys.size === 0) this.byNode.delete(id.node);
    }
  }

  /** The node's syncs from the informer caches (ObjectSyncs are namespaced, ClusterObjectSyncs not). */
  private syncsOf(node: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const key of this.byNode.get(node) ?? []) {
      const sync = key.includes('/') ? this.objectSyncs.get(key) : this.clusterObjectSyncs.get(key);
      if (sync) out.push(sync);
    }
    return out;
  }

  /** Runs passes one after another so a connect during a periodic pass cannot interleave with it. */
  private schedule(node?: string): void {
    this.running = this.running.then(() => this.pass(node)).catch((err) => this.log.warn({ err }, 'sync pass failed'));
  }

  /** One comparison of all syncs (or only `onlyNode`'s). Exposed for tests. */
  async pass(onlyNode?: string): Promise<void> {
    const seen = new Set<string>();
    const deleted = new Map<string, boolean>();
    const syncs = onlyNode === undefined ? [...this.objectSyncs.list(), ...this.clusterObjectSyncs.list()] : this.syncsOf(onlyNode);
    for (const sync of syncs) {
      const name = sync.metadata.name!;
      const id = parseSyncName(name);
      if (!id || (onlyNode !== undefined && id.node !== onlyNode)) continue;
      seen.add(name);
      if (!this.o.placement.nodes.get(id.node)) {
        let gone = deleted.get(id.node);
        if (gone === undefined) deleted.set(id.node, (gone = await this.revokeIfDeleted(id.node)));
        if (gone) await this.collect(sync);
        continue;
      }
      this.check(sync, id.node, id.uid);
    }
    if (onlyNode === undefined) for (const k of [...this.handed.keys()]) if (!seen.has(k)) this.handed.delete(k);
  }

  private check(sync: KubeObject, node: string, uid: string): void {
    const type = typeOfKind(sync.spec?.objectKind);
    // Other kinds (devices, ...) are synced by the controllers that own them.
    if (!type) return;
    const ns = sync.metadata.namespace;
    const objName: string | undefined = sync.spec?.objectName;
    if (!objName) return;
    const obj = this.o.placement.lookup(type, ns, objName);
    const recorded: string | undefined = sync.status?.objectResourceVersion;
    const name = sync.metadata.name!;
    if (!obj || obj.metadata.uid !== uid || !this.o.placement.wants(node, type, ns, objName)) {
      // A node is never told to delete its own Node; deleting the Node revokes it instead.
      if (type === 'node') return;
      if (!this.firstTime(name, 'delete')) return;
      const gone = obj && obj.metadata.uid === uid ? obj : minimalObject(type, ns, objName, uid);
      this.o.hub.send(node, deleteMessage(node, type, gone, this.o.downstream));
      this.log.debug({ node, kind: sync.spec.objectKind, ns, name: objName }, 'resync: sent delete');
      return;
    }
    // A Node's RV advances with every heartbeat; changes the edge needs reach it from the downstream
    // reconciler (queued by the hub while the node is away), so RV alone is no reason to resend.
    if (type === 'node') return;
    if (!rvNewer(obj.metadata.resourceVersion, recorded)) return;
    if (!this.firstTime(name, obj.metadata.resourceVersion!)) return;
    this.o.hub.send(node, downstreamMessage(node, Op.update, type, obj, this.o.downstream));
    this.log.debug({ node, kind: sync.spec.objectKind, ns, name: objName, rv: obj.metadata.resourceVersion, recorded }, 'resync: sent update');
  }

  private firstTime(name: string, what: string): boolean {
    const prev = this.handed.get(name);
    const now = this.now();
    if (prev && prev.what === what && now - prev.at < this.resendAfterMs) return false;
    this.handed.set(name, { what, at: now });
    return true;
  }

  /**
   * Syncs without a Node belong to a node deleted while CloudCore was not watching (down, or the delete
   * fell between relists); revoking it here makes that deletion refuse the node's certificate too.
   * The API, not the cache, decides: revoking a node whose Node the cache has not caught up with yet
   * would lock out a freshly joined edge. Revocation comes before the syncs go, so a failed pass retries it.
   */
  private async revokeIfDeleted(node: string): Promise<boolean> {
    try {
      await this.o.client.get(R.nodes, undefined, node);
      return false;
    } catch (err) {
      if (!isNotFound(err)) {
        this.log.warn({ err, node }, 'checking node of orphaned syncs failed');
        return false;
      }
    }
    this.o.hub.revoke(node);
    this.log.info({ node }, 'node deleted while away: certificate revoked, syncs collected');
    return true;
  }

  private async collect(sync: KubeObject): Promise<void> {
    const r = sync.metadata.namespace ? R.objectsyncs : R.clusterobjectsyncs;
    try {
      await this.o.client.delete(r, sync.metadata.namespace, sync.metadata.name!);
      this.log.debug({ sync: sync.metadata.name }, 'deleted sync of a deleted node');
    } catch (err) {
      // The next pass retries; one failing delete must not stop the other corrections.
      if (!isNotFound(err)) this.log.warn({ err, sync: sync.metadata.name }, 'deleting sync of a deleted node failed');
    }
  }
}

