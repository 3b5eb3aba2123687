import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { newMessage, type KubeObject } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { FakeEdgeLink } from '../metamanager/fake-edge-link.js';
import { createMetaManager, openMetaStore, type MetaStore } from '../metamanager/index.js';
import { openSpool, type SpoolPolicy } from '../spool/index.js';
import { createDeviceTwin, type DeviceTwin } from './device-twin.js';

/** A real MetaStore + MetaManager + spool + DeviceTwin on a fake cloud link, for tests. */
export interface TwinRig {
  dir: string;
  link: FakeEdgeLink;
  store: MetaStore;
  db: Database.Database;
  twin: DeviceTwin;
  published: Array<{ topic: string; payload: Record<string, unknown> }>;
  /** The cloud sends (insert/update/delete) a device or model, as DeviceController does. */
  cloud(op: 'insert' | 'update' | 'delete', obj: KubeObject): void;
  close(): void;
}

let rv = 1;

export function deviceObj(name: string, props: Array<[string, string | undefined]>, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'devices.kubeedge.io/v1beta1',
    kind: 'Device',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: String(rv++), ...(annotations ? { annotations } : {}) },
    spec: {
      deviceModelRef: { name: 'thermo' },
      nodeName: 'edge1',
      protocol: { protocolName: 'virtual' },
      properties: props.map(([n, v]) => ({ name: n, ...(v !== undefined ? { desired: { value: v } } : {}) })),
    },
  };
}

export const modelObj = (): KubeObject => ({
  apiVersion: 'devices.kubeedge.io/v1beta1',
  kind: 'DeviceModel',
  metadata: { name: 'thermo', namespace: 'default', uid: 'uid-thermo', resourceVersion: String(rv++) },
  spec: { protocol: 'virtual', properties: [{ name: 'temperature', type: 'FLOAT' }, { name: 'setpoint', type: 'FLOAT' }] },
});

export function twinRig(opts: { dir?: string; budgetBytes?: number; policy?: SpoolPolicy; nodeName?: string } = {}): TwinRig {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-twin-'));
  const link = new FakeEdgeLink();
  const store = openMetaStore({ path: path.join(dir, 'edge.db') });
  const db = new Database(path.join(dir, 'devices.db'));
  const log = silentLogger();
  const nodeName = opts.nodeName ?? 'edge1';
  const meta = createMetaManager({ store, link, nodeName, log });
  const spool = openSpool({ db, link, budgetBytes: opts.budgetBytes ?? 1 << 20, defaultPolicy: opts.policy ?? 'drop-oldest', log });
  const twin = createDeviceTwin({ db, store, link, spool, nodeName, log });
  meta.onObject((op, type, obj) => twin.onObject(op, type, obj));
  const published: TwinRig['published'] = [];
  twin.onPublish((topic, payload) => published.push({ topic, payload: payload as Record<string, unknown> }));
  return {
    dir, link, store, db, twin, published,
    cloud(op, obj) {
      const type = obj.kind === 'DeviceModel' ? 'devicemodel' : 'device';
      link.deliver(newMessage({ source: 'devicecontroller', group: 'resource', operation: op, resource: `default/${type}/${obj.metadata.name}`, content: obj }));
    },
    close() {
      db.close();
      store.close();
    },
  };
}
