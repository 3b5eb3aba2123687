import { Op, R, type KubeObject } from '@kedge/api';
import type { Informer, InformerFactory, Reconciler } from '@kedge/core';
import type { Logger } from 'pino';
import type { CloudHub } from '../cloudhub/types.js';
import { parseSyncName } from '../edgecontroller/index.js';
import { kindToType, membershipDevice, membershipMessage, minimalDeviceObject, objectMessage, type DeviceType } from './messages.js';

interface Delivered {
  uid?: string;
  /** What the edge needs of the object (spec and labels); '' = resend (node reconnected). */
  sig: string;
}

interface DeliveredDevice extends Delivered {
  node: string;
  /** `ns/model` the device used when it was sent: a move or delete may leave that model unneeded. */
  model: string;
}

export const deviceKey = (ns: string | undefined, name: string) => `device/${ns ?? ''}/${name}`;
export const modelKey = (ns: string | undefined, name: string) => `devicemodel/${ns ?? ''}/${name}`;

function parseKey(key: string): { type: DeviceType; namespace: string; name: string } | undefined {
  const [type, namespace, name] = key.split('/');
  if ((type !== 'device' && type !== 'devicemodel') || namespace === undefined || !name) return undefined;
  return { type, namespace, name };
}

/**
 * Status writes bump a Device's resourceVersion (it has no status subresource); only what the edge acts on
 * is compared, so a chatty device's status does not echo back down as updates.
 */
function signature(o: KubeObject): string {
  return JSON.stringify([o.spec ?? {}, o.metadata.labels ?? {}, o.metadata.annotations ?? {}]);
}

const modelOf = (d: KubeObject) => `${d.metadata.namespace}/${d.spec?.deviceModelRef?.name ?? ''}`;

/**
 * Level-triggered downstream sync of Devices and DeviceModels (KubeEdge's devicecontroller downstream):
 * a Device goes to the node in `spec.nodeName` (when that Node exists), its DeviceModel to every node with
 * a device using it, as ack-required `resource` messages; moves and deletes send `delete` to the node that
 * held it. Reconciles are synchronous (no awaits), so a model is always handed to the hub before the first
 * device that needs it.
 */
export class DeviceDownstream implements Reconciler {
  readonly devices: Informer;
  readonly models: Informer;
  readonly nodes: Informer;
  readonly objectSyncs: Informer;
  private readonly delivered = new Map<string, DeliveredDevice>();
  private readonly modelsDelivered = new Map<string, Map<string, Delivered>>();
  private readonly tombstones = new Map<string, KubeObject>();

  constructor(informers: InformerFactory, private readonly hub: CloudHub, private readonly log: Logger, private readonly now: () => number = Date.now) {
    this.devices = informers.informer(R.devices);
    this.models = informers.informer(R.devicemodels);
    this.nodes = informers.informer(R.nodes);
    this.objectSyncs = informers.informer(R.objectsyncs);
    this.devices.addIndex('model', (d) => [modelOf(d)]);
    this.devices.addIndex('node', (d) => (d.spec?.nodeName ? [String(d.spec.nodeName)] : []));
  }

  informers(): Informer[] {
    return [this.devices, this.models, this.nodes, this.objectSyncs];
  }

  watch(enqueue: (key: string) => void): void {
    const dKey = (d: KubeObject) => deviceKey(d.metadata.namespace, d.metadata.name!);
    const mKey = (m: KubeObject) => modelKey(m.metadata.namespace, m.metadata.name!);
    this.devices.on({
      add: (d) => enqueue(dKey(d)),
      update: (_old, d) => enqueue(dKey(d)),
      delete: (d) => {
        this.tombstones.set(dKey(d), d);
        enqueue(dKey(d));
      },
    });
    this.models.on({
      add: (m) => enqueue(mKey(m)),
      update: (_old, m) => enqueue(mKey(m)),
      delete: (m) => {
        this.tombstones.set(mKey(m), m);
        enqueue(mKey(m));
      },
    });
    // A device waits for its Node to exist; a deleted Node takes its devices with it.
    const nodeDevices = (n: KubeObject) => this.devices.byIndex('node', n.metadata.name!).forEach((d) => enqueue(dKey(d)));
    this.nodes.on({ add: nodeDevices, delete: nodeDevices });
  }

  /** A (re)connected node gets its devices and models again; CloudHub drops what its ObjectSync says the edge has. */
  resync(node: string, enqueue: (key: string) => void): void {
    for (const d of this.delivered.values()) if (d.node === node) d.sig = '';
    for (const have of this.modelsDelivered.values()) {
      const d = have.get(node);
      if (d) d.sig = '';
    }
    for (const d of this.devices.byIndex('node', node)) enqueue(deviceKey(d.metadata.namespace, d.metadata.name!));
    this.collectStale(node);
  }

  /**
   * Objects the edge acknowledged (ObjectSync) that it should no longer hold: deleted or moved while this
   * CloudCore was not running, so no delete is queued for them. Checked at start and on each connect;
   * SyncController leaves device kinds to this controller.
   */
  collectStale(onlyNode?: string): void {
    for (const sync of this.objectSyncs.list()) {
      const type = kindToType(sync.spec?.objectKind);
      const id = parseSyncName(sync.metadata.name ?? '');
      const name = sync.spec?.objectName as string | undefined;
      if (!type || !id || !name || (onlyNode !== undefined && id.node !== onlyNode)) continue;
      const ns = sync.metadata.namespace;
      const key = type === 'device' ? deviceKey(ns, name) : modelKey(ns, name);
      const obj = (type === 'device' ? this.devices : this.models).get(`${ns}/${name}`);
      const wanted = obj?.metadata.uid === id.uid && (type === 'device' ? this.nodeFor(obj) === id.node : this.modelNodes(ns ?? '', name).has(id.node));
      if (wanted) continue;
      // Deletes this process already handed to the hub are still queued there.
      if (type === 'device' && this.delivered.get(key)?.node === id.node) continue;
      if (type === 'devicemodel' && this.modelsDelivered.get(key)?.has(id.node)) continue;
      this.hub.send(id.node, objectMessage(id.node, Op.delete, type, minimalDeviceObject(type, ns, name, id.uid)));
      this.log.debug({ node: id.node, type, ns, name }, 'stale on edge: sent delete');
    }
  }

  /** The node a device belongs on: its spec.nodeName, once that Node exists. */
  private nodeFor(d: KubeObject | undefined): string | undefined {
    if (!d || d.metadata.deletionTimestamp) return undefined;
    const node = d.spec?.nodeName;
    return typeof node === 'string' && node && this.nodes.get(node) ? node : undefined;
  }

  private modelNodes(ns: string, name: string): Set<string> {
    const out = new Set<string>();
    for (const d of this.devices.byIndex('model', `${ns}/${name}`)) {
      const node = this.nodeFor(d);
      if (node) out.add(node);
    }
    return out;
  }

  async reconcile(key: string): Promise<void> {
    const k = parseKey(key);
    if (!k) return;
    if (k.type === 'device') this.syncDevice(key, k.namespace, k.name);
    else this.syncModel(key, k.namespace, k.name);
  }

  private syncDevice(key: string, ns: string, name: string): void {
    const obj = this.devices.get(`${ns}/${name}`);
    const tomb = this.tombstones.get(key);
    this.tombstones.delete(key);
    const node = this.nodeFor(obj);
    const uid = obj?.metadata.uid;
    const prev = this.delivered.get(key);
    const now = this.now();
    if (prev && (prev.node !== node || prev.uid !== uid)) {
      // A deleted Node's certificate is revoked: nothing to tell it (CloudHub would hold the message forever).
      if (this.nodes.get(prev.node)) this.sendDeviceDelete(prev.node, key, ns, name, prev, obj, tomb, now);
      this.delivered.delete(key);
    }
    if (prev && (!obj || modelOf(obj) !== prev.model)) this.syncModelKey(prev.model);
    if (!obj || !node) return;
    const model = modelOf(obj);
    // The model first: the edge resolves a device's property types through it.
    this.syncModelKey(model);
    const cur = this.delivered.get(key);
    const sig = signature(obj);
    if (cur && cur.sig === sig) return;
    this.hub.send(node, objectMessage(node, cur ? Op.update : Op.insert, 'device', obj));
    if (!cur) this.hub.send(node, membershipMessage(node, [membershipDevice(obj, this.models.get(model), now)], [], now));
    this.delivered.set(key, { node, uid, sig, model });
    this.log.debug({ node, key, rv: obj.metadata.resourceVersion, op: cur ? 'update' : 'insert' }, 'sent device');
  }

  private sendDeviceDelete(node: string, key: string, ns: string, name: string, prev: DeliveredDevice, obj: KubeObject | undefined, tomb: KubeObject | undefined, now: number): void {
    const gone = obj && prev.uid === obj.metadata.uid ? obj : tomb && tomb.metadata.uid === prev.uid ? tomb : minimalDeviceObject('device', ns, name, prev.uid);
    this.hub.send(node, objectMessage(node, Op.delete, 'device', gone));
    this.hub.send(node, membershipMessage(node, [], [membershipDevice(gone, undefined, now)], now));
    this.log.debug({ node, key }, 'sent device delete');
  }

  private syncModelKey(nsName: string): void {
    const [ns, name] = nsName.split('/');
    if (ns === undefined || !name) return;
    this.syncModel(modelKey(ns, name), ns, name);
  }

  private syncModel(key: string, ns: string, name: string): void {
    const obj = this.models.get(`${ns}/${name}`);
    const tomb = this.tombstones.get(key);
    this.tombstones.delete(key);
    const want = obj ? this.modelNodes(ns, name) : new Set<string>();
    const have = this.modelsDelivered.get(key) ?? new Map<string, Delivered>();
    const uid = obj?.metadata.uid;
    for (const [node, d] of [...have]) {
      if (want.has(node) && d.uid === uid) continue;
      have.delete(node);
      if (!this.nodes.get(node)) continue;
      const gone = obj && d.uid === uid ? obj : tomb && tomb.metadata.uid === d.uid ? tomb : minimalDeviceObject('devicemodel', ns, name, d.uid);
      this.hub.send(node, objectMessage(node, Op.delete, 'devicemodel', gone));
      this.log.debug({ node, key }, 'sent model delete');
    }
    if (obj) {
      const sig = signature(obj);
      for (const node of want) {
        const d = have.get(node);
        if (d && d.sig === sig) continue;
        this.hub.send(node, objectMessage(node, d ? Op.update : Op.insert, 'devicemodel', obj));
        have.set(node, { uid, sig });
        this.log.debug({ node, key, rv: obj.metadata.resourceVersion }, 'sent model');
      }
    }
    if (have.size) this.modelsDelivered.set(key, have);
    else this.modelsDelivered.delete(key);
  }

  /** Devices on `node` as KubeEdge's dttype.Device list (membership/detail replies). */
  membership(node: string): ReturnType<typeof membershipDevice>[] {
    const now = this.now();
    return this.devices.byIndex('node', node)
      .filter((d) => this.nodeFor(d) === node)
      .map((d) => membershipDevice(d, this.models.get(modelOf(d)), now));
  }
}
