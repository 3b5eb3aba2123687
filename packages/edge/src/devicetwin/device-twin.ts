import type Database from 'better-sqlite3';
import { Group, kubeTime, newMessage, Op, type KubeObject, type Message } from '@kedge/api';
import type { Logger, Module } from '@kedge/core';
import type { EdgeLink } from '../edgehub/types.js';
import type { MetaStore, ObjectOp } from '../metamanager/index.js';
import type { Spool, SpoolPolicy, SpoolStats } from '../spool/index.js';
import { handleBusMessage } from './bus-handlers.js';
import { deviceTopic } from './topics.js';
import { openTwinStore, type DeviceRow, type TwinRow } from './twin-store.js';
import { modelName, syncDeviceRows } from './cloud-sync.js';
import { deltaOf, edgeUpdate, isObj, msgTwin, msgTwins, str, syncUpdate, TwinError } from './twin-rules.js';
import type { DeviceChange, DeviceTwinApi, TwinReport, TwinResult } from './types.js';
import { untilAborted } from '@kedge/core';

/** KubeEdge's message sources for what DeviceTwin and the EventBus send upstream. */
export const TWIN_SOURCE = 'twin';
export const BUS_SOURCE = 'bus';
/** Device annotation choosing the spool policy for this device's messages. */
export const SPOOL_POLICY_ANNOTATION = 'kedge.io/spool-policy';
export const DEVICE_STATES = new Set(['online', 'offline', 'ok', 'unknown', 'unhealthy']);

export interface DeviceTwinOptions {
  /** Holds the twin tables; the spool may share it. */
  db: Database.Database;
  /** MetaManager's cache: the Device and DeviceModel objects the cloud sent. */
  store: MetaStore;
  link: EdgeLink;
  spool: Spool;
  nodeName: string;
  log: Logger;
  now?: () => number;
}

export type Publish = (topic: string, payload: unknown) => void;

export interface DeviceTwin extends DeviceTwinApi, Module {
  /** Register with `MetaManager.onObject`: device and devicemodel changes from the cloud. */
  onObject(op: ObjectOp, edgeType: string, obj: KubeObject): void;
  /** An MQTT message on one of the EventBus's subscribed topics; never throws. */
  handleBusMessage(topic: string, payload: Buffer | string): void;
  /** Messages for MQTT clients (results, deltas, documents); the EventBus publishes them. */
  onPublish(cb: Publish): () => void;
  /** `MsgTwin`s of a device, or undefined when it is not on this node. */
  twins(namespace: string, name: string): Record<string, unknown> | undefined;
  deviceRow(namespace: string, name: string): DeviceRow | undefined;
  spoolStats(): SpoolStats;
  /** Twin properties updated since start (from mappers, MQTT and the cloud), for metrics. */
  updateCount(): number;
}

/** What bus-handlers.ts needs from the twin. */
export interface TwinCore {
  nodeName: string;
  log: Logger;
  now(): number;
  publish: Publish;
  known(ns: string, name: string): boolean;
  /** `observed`: DMI observedDesired values, reported upstream as `expected` without being stored. */
  update(ns: string, name: string, entries: Record<string, unknown>, eventId: string, sync: boolean, observed?: Record<string, unknown>): Map<string, TwinRow>;
  twinMap(ns: string, name: string): Map<string, TwinRow>;
  setState(ns: string, name: string, state: string): DeviceRow;
  membership(): Array<Record<string, unknown>>;
  upload(topic: string, content: unknown): void;
}

export function createDeviceTwin(opts: DeviceTwinOptions): DeviceTwin {
  const { store, link, spool, nodeName } = opts;
  const log = opts.log.child({ module: 'devicetwin' });
  const now = opts.now ?? Date.now;
  const db = openTwinStore(opts.db);
  const changeCbs = new Set<(c: DeviceChange, d: KubeObject, m?: KubeObject) => void>();
  const publishCbs = new Set<Publish>();

  const publish: Publish = (topic, payload) => {
    for (const cb of publishCbs) {
      try {
        cb(topic, payload);
      } catch (err) {
        log.warn({ err, topic }, 'publish failed');
      }
    }
  };
  const idOf = (ns: string, name: string) => `${ns}/${name}`;
  const deviceObj = (ns: string, name: string) => store.get('device', ns, name);
  const modelOf = (d: KubeObject) => {
    const m = modelName(d);
    return m ? store.get('devicemodel', d.metadata.namespace, m) : undefined;
  };
  const fire = (change: DeviceChange, d: KubeObject) => {
    const model = modelOf(d);
    for (const cb of changeCbs) {
      try {
        cb(change, d, model);
      } catch (err) {
        log.warn({ err, change, device: d.metadata.name }, 'device change handler failed');
      }
    }
  };
  const policyOf = (ns: string, name: string): SpoolPolicy | undefined => {
    const p = deviceObj(ns, name)?.metadata.annotations?.[SPOOL_POLICY_ANNOTATION];
    return p === 'drop-oldest' || p === 'drop-newest' ? p : undefined;
  };
  const eventId = () => globalThis.crypto.randomUUID();

  function upstream(ns: string, name: string, suffix: string, content: Record<string, unknown>): void {
    const msg: Message = newMessage({ source: TWIN_SOURCE, group: Group.twin, operation: Op.update, resource: `device/${ns}/${name}/${suffix}`, content });
    spool.put(idOf(ns, name), msg, policyOf(ns, name));
  }

  function publishDelta(ns: string, name: string, twins: Map<string, TwinRow>): void {
    const delta = deltaOf(twins);
    if (Object.keys(delta).length === 0) return;
    publish(deviceTopic(ns, name, 'twin/update/delta'), { event_id: eventId(), timestamp: now(), twin: msgTwins(twins), delta });
  }

  const syncDevice = (d: KubeObject): boolean => syncDeviceRows(db, d, modelOf(d), now());

  function onObject(op: ObjectOp, edgeType: string, obj: KubeObject): void {
    if (edgeType === 'devicemodel') {
      if (op === 'delete') return;
      for (const d of store.list('device')) {
        if (modelName(d) === obj.metadata.name && d.metadata.namespace === obj.metadata.namespace) {
          syncDevice(d);
          fire('updated', d);
        }
      }
      return;
    }
    if (edgeType !== 'device') return;
    const ns = obj.metadata.namespace ?? 'default';
    const name = obj.metadata.name ?? '';
    if (op === 'delete') {
      db.deleteDevice(idOf(ns, name));
      fire('removed', obj);
      return;
    }
    const existed = db.getDevice(idOf(ns, name)) !== undefined;
    const desiredChanged = syncDevice(obj);
    if (desiredChanged) publishDelta(ns, name, db.twins(idOf(ns, name)));
    fire(existed ? 'updated' : 'added', obj);
  }

  // Cloud twin-group messages: membership is informational (the Device objects are the truth);
  // cloud_updated applies KubeEdge's sync rules.
  link.onMessage((msg) => {
    if (msg.route?.group !== Group.twin) return;
    const res = msg.route.resource ?? '';
    const m = /^device\/([^/]+)\/([^/]+)\/twin\/cloud_updated$/.exec(res);
    if (m && isObj(msg.content) && isObj(msg.content.twin)) {
      try {
        core.update(m[1] ?? '', m[2] ?? '', msg.content.twin, str(msg.content.event_id) ?? '', true);
      } catch (err) {
        log.warn({ resource: res, reason: (err as Error).message }, 'cloud twin update rejected');
      }
      return;
    }
    log.debug({ resource: res, op: msg.route.operation }, 'twin message from the cloud (membership is taken from Device objects)');
  });

  let updates = 0;
  const core: TwinCore = {
    nodeName,
    log,
    now,
    publish,
    known: (ns, name) => db.getDevice(idOf(ns, name)) !== undefined,
    twinMap: (ns, name) => db.twins(idOf(ns, name)),
    update(ns, name, entries, evId, sync, observed = {}) {
      const id = idOf(ns, name);
      if (!db.getDevice(id)) throw new TwinError(404, `device ${id} is not on node ${nodeName}`);
      const keys = Object.keys(entries);
      if (keys.length === 0 && Object.keys(observed).length === 0) throw new TwinError(400, 'twin is empty');
      const before = db.twins(id);
      const updated = new Map<string, TwinRow>();
      const t = now();
      for (const k of keys) updated.set(k, (sync ? syncUpdate : edgeUpdate)(k, before.get(k), entries[k], t));
      db.transaction(() => {
        for (const row of updated.values()) db.putTwin(id, row);
      });
      updates += updated.size;
      const after = db.twins(id);
      const doc: Record<string, unknown> = {};
      const report: Record<string, unknown> = {};
      for (const [k, row] of updated) {
        const last = before.get(k);
        doc[k] = { last: last ? msgTwin(last) : null, current: msgTwin(row) };
        const e = entries[k] as Record<string, unknown>;
        const r: Record<string, unknown> = {};
        if (e.actual !== undefined && row.actual) r.actual = { value: row.actual.value, metadata: { timestamp: t } };
        if (e.expected !== undefined && row.expected) r.expected = { value: row.expected.value, metadata: row.expected.metadata };
        if (Object.keys(r).length > 0 && row.attrType) r.metadata = { type: row.attrType };
        if (Object.keys(r).length > 0) report[k] = r;
      }
      for (const [k, v] of Object.entries(observed)) report[k] = { ...(report[k] as object | undefined), expected: v };
      if (updated.size > 0) {
        publish(deviceTopic(ns, name, 'twin/update/document'), { event_id: evId, timestamp: t, twin: doc });
        publishDelta(ns, name, after);
      }
      if (!sync && Object.keys(report).length > 0) upstream(ns, name, 'twin/edge_updated', { event_id: evId, timestamp: t, twin: report });
      return updated;
    },
    setState(ns, name, state) {
      const id = idOf(ns, name);
      const row = db.getDevice(id);
      if (!row) throw new TwinError(404, `device ${id} is not on node ${nodeName}`);
      const s = state.toLowerCase();
      if (!DEVICE_STATES.has(s)) throw new TwinError(400, `state "${state.slice(0, 40)}" is not one of ${[...DEVICE_STATES].join('|')}`);
      const lastOnline = s === 'online' || s === 'ok' ? kubeTime(now()) : row.lastOnline;
      db.setState(id, s, lastOnline);
      const content: Record<string, unknown> = { event_id: eventId(), timestamp: now(), state: s };
      if (lastOnline) content.lastOnline = lastOnline;
      content.spool = spool.deviceStats(id);
      upstream(ns, name, 'state/update', content);
      return { ...row, state: s, lastOnline };
    },
    membership: () =>
      db.listDevices().map((r) => ({ id: r.id, name: r.name, description: r.description, state: r.state, last_online: r.lastOnline, twin: msgTwins(db.twins(r.id)) })),
    upload(topic, content) {
      spool.put('', newMessage({ source: BUS_SOURCE, group: Group.user, operation: Op.upload, resource: topic, content }));
    },
  };

  // Devices the cache holds but the twin tables do not (or the reverse) after a crash between the two writes.
  for (const d of store.list('device')) syncDevice(d);
  const cached = new Set(store.list('device').map((d) => idOf(d.metadata.namespace ?? 'default', d.metadata.name ?? '')));
  for (const r of db.listDevices()) if (!cached.has(r.id)) db.deleteDevice(r.id);

  const asResult = (fn: () => void): TwinResult => {
    try {
      fn();
      return { code: 200 };
    } catch (err) {
      if (err instanceof TwinError) return { code: err.code, reason: err.message };
      log.error({ err }, 'twin update failed');
      return { code: 500, reason: (err as Error).message };
    }
  };

  return {
    name: 'devicetwin',
    onObject,
    handleBusMessage: (topic, payload) => handleBusMessage(core, topic, payload),
    onPublish(cb) {
      publishCbs.add(cb);
      return () => publishCbs.delete(cb);
    },
    twins: (ns, name) => (core.known(ns, name) ? msgTwins(db.twins(idOf(ns, name))) : undefined),
    deviceRow: (ns, name) => db.getDevice(idOf(ns, name)),
    spoolStats: () => spool.stats(),
    updateCount: () => updates,
    getDevice(ns, name) {
      const d = deviceObj(ns, name);
      return d ? { device: d, model: modelOf(d) } : undefined;
    },
    listDevices(protocol) {
      return store
        .list('device')
        .filter((d) => protocol === undefined || (d.spec as { protocol?: { protocolName?: string } } | undefined)?.protocol?.protocolName === protocol)
        .map((d) => ({ device: d, model: modelOf(d) }));
    },
    onDeviceChange(cb) {
      changeCbs.add(cb);
      return () => changeCbs.delete(cb);
    },
    reportTwins(ns, name, twins: TwinReport[]) {
      return asResult(() => {
        const entries: Record<string, unknown> = {};
        // observedDesired goes to the cloud as `expected` (status.twins[].observedDesired) but never
        // overwrites the local expected value: that is the cloud's, and the delta must keep pointing at it.
        const observed: Record<string, unknown> = {};
        for (const t of twins) {
          if (t.reported) entries[t.propertyName] = { actual: { value: t.reported.value, metadata: t.reported.metadata } };
          if (t.observedDesired) observed[t.propertyName] = { value: t.observedDesired.value, metadata: t.observedDesired.metadata ?? {} };
        }
        core.update(ns, name, entries, eventId(), false, observed);
      });
    },
    reportState(ns, name, state) {
      return asResult(() => void core.setState(ns, name, state));
    },
    async start(signal) {
      log.info({ devices: db.listDevices().length, spooled: spool.stats().buffered }, 'devicetwin started');
      if (link.isConnected()) spool.flush();
      await untilAborted(signal);
    },
  };
}
