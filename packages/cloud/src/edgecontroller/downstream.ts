import { Op, wellKnown, type KubeObject } from '@kedge/api';
import type { Informer, Reconciler } from '@kedge/core';
import type { Logger } from 'pino';
import type { CloudHub } from '../cloudhub/types.js';
import { deleteMessage, downstreamMessage, minimalObject, type DownstreamOptions } from './messages.js';
import { parsePlacedKey, placedKey, type Placement } from './placement.js';
import { podReferenceKeys, type PlacedType } from './references.js';

interface Delivered {
  uid?: string;
  /** '' = must be resent (node reconnected). */
  rv: string;
  /** For Nodes: what the edge needs of its own Node (see nodeSignature). */
  sig?: string;
}

/**
 * The parts of its own Node an edge acts on. Status is left out: it is the edge's own report (plus
 * heartbeats), so echoing every status write back would cost an ack and an ObjectSync write per node
 * every 10 s.
 */
function nodeSignature(n: KubeObject): string {
  const { labels, annotations } = n.metadata;
  return JSON.stringify([labels ?? {}, annotations ?? {}, n.spec ?? {}, n.metadata.deletionTimestamp ?? null]);
}

/**
 * Level-triggered downstream sync. For a key it computes the edge nodes that should hold the object
 * (Placement) and compares with what this process already handed to the hub: new nodes get `insert`,
 * advanced resourceVersions `update`, nodes that should no longer hold it (or objects gone from the API)
 * `delete`. The hub dedupes against ObjectSync, so resending after a restart costs no edge traffic.
 */
export class DownstreamReconciler implements Reconciler {
  private readonly delivered = new Map<string, Map<string, Delivered>>();
  /** Final state of objects removed from the API, so a delete can carry the object (and its last RV). */
  private readonly tombstones = new Map<string, KubeObject>();
  /** Edge nodes seen in the cache; deleting one revokes its certificate. */
  private readonly edgeNodes = new Set<string>();

  constructor(
    private readonly placement: Placement,
    private readonly hub: CloudHub,
    private readonly log: Logger,
    private readonly opts: DownstreamOptions,
  ) {}

  /** Informer handlers: enqueue keys (and remember tombstones); all decisions happen in reconcile. */
  watch(enqueue: (key: string) => void): void {
    const p = this.placement;
    const podKeys = (pod: KubeObject) => [...podReferenceKeys(pod), placedKey('pod', pod.metadata.namespace, pod.metadata.name!)];
    p.pods.on({
      add: (pod) => podKeys(pod).forEach(enqueue),
      update: (old, pod) => new Set([...podKeys(old), ...podKeys(pod)]).forEach(enqueue),
      delete: (pod) => {
        this.tombstones.set(placedKey('pod', pod.metadata.namespace, pod.metadata.name!), pod);
        podKeys(pod).forEach(enqueue);
      },
    });
    for (const [type, inf] of [['configmap', p.configmaps], ['secret', p.secrets]] as Array<[PlacedType, Informer]>) {
      inf.on({
        add: (o) => enqueue(placedKey(type, o.metadata.namespace, o.metadata.name!)),
        update: (_, o) => enqueue(placedKey(type, o.metadata.namespace, o.metadata.name!)),
        delete: (o) => {
          const key = placedKey(type, o.metadata.namespace, o.metadata.name!);
          this.tombstones.set(key, o);
          enqueue(key);
        },
      });
    }
    const isEdge = (n: KubeObject) => n.metadata.labels?.[wellKnown.edgeRoleLabel] !== undefined;
    const nodeAndPods = (n: KubeObject) => this.placement.keysFor(n.metadata.name!).forEach(enqueue);
    p.nodes.on({
      add: nodeAndPods,
      update: (old, n) => (isEdge(old) !== isEdge(n) ? nodeAndPods(n) : enqueue(placedKey('node', undefined, n.metadata.name!))),
      delete: nodeAndPods,
    });
  }

  /** A (re)connected node gets everything it should hold again; the hub drops what it already has. */
  resync(node: string, enqueue: (key: string) => void): void {
    for (const key of this.placement.keysFor(node)) {
      const d = this.delivered.get(key)?.get(node);
      if (d) {
        d.rv = '';
        d.sig = '';
      }
      enqueue(key);
    }
  }

  async reconcile(key: string): Promise<void> {
    const k = parsePlacedKey(key);
    if (!k) return;
    const obj = this.placement.lookup(k.type, k.namespace, k.name);
    const tomb = this.tombstones.get(key);
    this.tombstones.delete(key);
    if (k.type === 'node') this.syncRevocation(k.name, obj);
    const want = new Set(this.placement.nodesFor(k.type, k.namespace, k.name));
    const have = this.delivered.get(key) ?? new Map<string, Delivered>();
    const uid = obj?.metadata.uid;
    for (const [node, d] of [...have]) {
      if (want.has(node) && d.uid === uid) continue;
      have.delete(node);
      // The edge finds its node object through registration; a node is never told to delete itself.
      if (k.type === 'node') continue;
      const gone = obj && d.uid === uid ? obj : tomb && tomb.metadata.uid === d.uid ? tomb : minimalObject(k.type, k.namespace, k.name, d.uid);
      this.hub.send(node, deleteMessage(node, k.type, gone, this.opts));
      this.log.debug({ node, key, uid: d.uid }, 'sent delete');
    }
    if (obj) {
      const rv = obj.metadata.resourceVersion ?? '';
      for (const node of want) {
        const d = have.get(node);
        if (d && d.rv === rv) continue;
        const sig = k.type === 'node' ? nodeSignature(obj) : undefined;
        if (d && sig !== undefined && d.sig === sig) {
          d.rv = rv;
          continue;
        }
        // A pod being deleted is an update: the edge runs the graceful termination, then the API drops it.
        const deleting = k.type === 'pod' && !!obj.metadata.deletionTimestamp;
        const op = d || deleting || k.type === 'node' ? Op.update : Op.insert;
        this.hub.send(node, downstreamMessage(node, op, k.type, obj, this.opts));
        have.set(node, { uid, rv, ...(sig !== undefined ? { sig } : {}) });
        this.log.debug({ node, key, op, rv }, 'sent object');
      }
    }
    if (have.size) this.delivered.set(key, have);
    else this.delivered.delete(key);
  }

  private syncRevocation(name: string, node: KubeObject | undefined): void {
    // A recreated Node needs no "allow": revocation refuses only certificates issued before the deletion,
    // and the edge that registers it again holds a newer one from a token-based join.
    if (node) {
      if (node.metadata.labels?.[wellKnown.edgeRoleLabel] !== undefined) this.edgeNodes.add(name);
      return;
    }
    if (!this.edgeNodes.delete(name)) return;
    this.hub.revoke(name);
    for (const [key, have] of this.delivered) {
      have.delete(name);
      if (!have.size) this.delivered.delete(key);
    }
    this.log.info({ node: name }, 'edge node deleted, certificate revoked');
  }
}
