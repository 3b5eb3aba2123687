import type Database from 'better-sqlite3';

/**
 * DeviceTwin's tables, with KubeEdge's names and columns (`edge/pkg/devicetwin/dtclient`,
 * kubeedge-reference.md §6): `device`, `device_attr`, `device_twin`. Versions and metadata are JSON text,
 * as KubeEdge stores them.
 */

export interface TwinVersion {
  cloud: number;
  edge: number;
}

export interface ValueMeta {
  value: string;
  metadata: Record<string, unknown>;
}

export interface TwinRow {
  name: string;
  description: string;
  expected?: ValueMeta;
  actual?: ValueMeta;
  expectedVersion: TwinVersion;
  actualVersion: TwinVersion;
  optional: boolean;
  attrType: string;
  metadata: Record<string, unknown>;
}

export interface DeviceRow {
  id: string;
  name: string;
  description: string;
  state: string;
  lastOnline: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS device (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'unknown', last_online TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS device_attr (
  id INTEGER PRIMARY KEY AUTOINCREMENT, deviceid TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',
  value TEXT, optional INTEGER NOT NULL DEFAULT 0, attr_type TEXT NOT NULL DEFAULT '', metadata TEXT NOT NULL DEFAULT '{}',
  UNIQUE (deviceid, name)
);
CREATE TABLE IF NOT EXISTS device_twin (
  id INTEGER PRIMARY KEY AUTOINCREMENT, deviceid TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',
  expected TEXT, actual TEXT, expected_meta TEXT, actual_meta TEXT, expected_version TEXT, actual_version TEXT,
  optional INTEGER NOT NULL DEFAULT 1, attr_type TEXT NOT NULL DEFAULT '', metadata TEXT NOT NULL DEFAULT '{}',
  UNIQUE (deviceid, name)
);
`;

interface RawTwin {
  name: string;
  description: string;
  expected: string | null;
  actual: string | null;
  expected_meta: string | null;
  actual_meta: string | null;
  expected_version: string | null;
  actual_version: string | null;
  optional: number;
  attr_type: string;
  metadata: string;
}

const json = <T>(s: string | null, dflt: T): T => {
  if (s === null || s === '') return dflt;
  try {
    return JSON.parse(s) as T;
  } catch {
    return dflt;
  }
};

const version = (s: string | null): TwinVersion => {
  const v = json<Partial<TwinVersion>>(s, {});
  return { cloud: Number(v.cloud) || 0, edge: Number(v.edge) || 0 };
};

function fromRaw(r: RawTwin): TwinRow {
  const t: TwinRow = {
    name: r.name,
    description: r.description,
    expectedVersion: version(r.expected_version),
    actualVersion: version(r.actual_version),
    optional: r.optional !== 0,
    attrType: r.attr_type,
    metadata: json(r.metadata, {}),
  };
  if (r.expected !== null) t.expected = { value: r.expected, metadata: json(r.expected_meta, {}) };
  if (r.actual !== null) t.actual = { value: r.actual, metadata: json(r.actual_meta, {}) };
  return t;
}

export interface TwinStore {
  getDevice(id: string): DeviceRow | undefined;
  listDevices(): DeviceRow[];
  /** Inserts or renames/re-describes; state and last_online are kept for an existing row. */
  upsertDevice(id: string, name: string, description: string): void;
  setState(id: string, state: string, lastOnline: string): void;
  deleteDevice(id: string): void;
  twins(id: string): Map<string, TwinRow>;
  putTwin(id: string, t: TwinRow): void;
  deleteTwin(id: string, name: string): void;
  transaction<T>(fn: () => T): T;
}

export function openTwinStore(db: Database.Database): TwinStore {
  db.exec(SCHEMA);
  const st = {
    getDevice: db.prepare<[string], { id: string; name: string; description: string; state: string; last_online: string }>('SELECT * FROM device WHERE id = ?'),
    listDevices: db.prepare<[], { id: string; name: string; description: string; state: string; last_online: string }>('SELECT * FROM device ORDER BY id'),
    upsertDevice: db.prepare('INSERT INTO device (id, name, description) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description'),
    setState: db.prepare('UPDATE device SET state = ?, last_online = ? WHERE id = ?'),
    delDevice: db.prepare('DELETE FROM device WHERE id = ?'),
    delAttrs: db.prepare('DELETE FROM device_attr WHERE deviceid = ?'),
    delTwins: db.prepare('DELETE FROM device_twin WHERE deviceid = ?'),
    twins: db.prepare<[string], RawTwin>('SELECT * FROM device_twin WHERE deviceid = ? ORDER BY id'),
    putTwin: db.prepare(
      'INSERT INTO device_twin (deviceid, name, description, expected, actual, expected_meta, actual_meta, expected_version, actual_version, optional, attr_type, metadata) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(deviceid, name) DO UPDATE SET description = excluded.description, expected = excluded.expected, ' +
        'actual = excluded.actual, expected_meta = excluded.expected_meta, actual_meta = excluded.actual_meta, expected_version = excluded.expected_version, ' +
        'actual_version = excluded.actual_version, optional = excluded.optional, attr_type = excluded.attr_type, metadata = excluded.metadata',
    ),
    delTwin: db.prepare('DELETE FROM device_twin WHERE deviceid = ? AND name = ?'),
  };
  const row = (r: { id: string; name: string; description: string; state: string; last_online: string }): DeviceRow => ({
    id: r.id, name: r.name, description: r.description, state: r.state, lastOnline: r.last_online,
  });
  const removeAll = db.transaction((id: string) => {
    st.delTwins.run(id);
    st.delAttrs.run(id);
    st.delDevice.run(id);
  });
  return {
    getDevice: (id) => {
      const r = st.getDevice.get(id);
      return r ? row(r) : undefined;
    },
    listDevices: () => st.listDevices.all().map(row),
    upsertDevice: (id, name, description) => void st.upsertDevice.run(id, name, description),
    setState: (id, state, lastOnline) => void st.setState.run(state, lastOnline, id),
    deleteDevice: (id) => removeAll(id),
    twins: (id) => new Map(st.twins.all(id).map((r) => [r.name, fromRaw(r)])),
    putTwin: (id, t) =>
      void st.putTwin.run(
        id, t.name, t.description,
        t.expected?.value ?? null, t.actual?.value ?? null,
        t.expected ? JSON.stringify(t.expected.metadata) : null, t.actual ? JSON.stringify(t.actual.metadata) : null,
        JSON.stringify(t.expectedVersion), JSON.stringify(t.actualVersion),
        t.optional ? 1 : 0, t.attrType, JSON.stringify(t.metadata),
      ),
    deleteTwin: (id, name) => void st.delTwin.run(id, name),
    transaction: (fn) => db.transaction(fn)(),
  };
}
