import type { TwinRow, TwinVersion, ValueMeta } from './twin-store.js';

/**
 * KubeEdge's twin rules (`edge/pkg/devicetwin/dtmanager/twin.go`, `dtcommon`): key/value limits,
 * the version vector checks, and the JSON shapes published on the bus.
 */

/** A rejected update, with the code published on `…/update/result`. */
export class TwinError extends Error {
  constructor(readonly code: 400 | 404 | 409 | 500, message: string) {
    super(message);
  }
}

// dtcommon ValidateTwinKey: letters, digits and -_.,:/@# only, under 128 bytes.
const KEY_RE = /^[a-zA-Z0-9\-_.,:/@#]{1,127}$/;
const MAX_VALUE_BYTES = 511;

export function checkKey(key: string): void {
  if (!KEY_RE.test(key)) throw new TwinError(400, `twin key "${key.slice(0, 40)}" is invalid: 1-127 of [a-zA-Z0-9-_.,:/@#]`);
}

export function checkValue(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new TwinError(400, `${field} must be a string`);
  if (Buffer.byteLength(value) > MAX_VALUE_BYTES) throw new TwinError(400, `${field} is longer than ${MAX_VALUE_BYTES} bytes`);
  return value;
}

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A string as is, anything else as JSON; null and undefined stay undefined. */
export const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v));

/** Reads `{value, metadata?}` at `field`, or undefined when absent. */
function valueAt(field: string, v: unknown, now: number): ValueMeta | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw new TwinError(400, `${field} must be an object with a string value`);
  const value = checkValue(`${field}.value`, v.value);
  const metadata = isObj(v.metadata) ? { ...v.metadata } : {};
  metadata.timestamp = now;
  return { value, metadata };
}

function versionAt(field: string, v: unknown): TwinVersion | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v) || typeof v.cloud !== 'number' || typeof v.edge !== 'number') throw new TwinError(400, `${field} must be {cloud: number, edge: number}`);
  return { cloud: v.cloud, edge: v.edge };
}

export const emptyTwin = (name: string): TwinRow => ({
  name, description: '', expectedVersion: { cloud: 0, edge: 0 }, actualVersion: { cloud: 0, edge: 0 }, optional: true, attrType: '', metadata: {},
});

const clone = (t: TwinRow): TwinRow => structuredClone(t);

/**
 * One twin of an edge update (MQTT `…/twin/update`, DMI report): KubeEdge's RestDealType, where every
 * change bumps the edge version. Returns the new row; throws TwinError(400) on a bad entry.
 */
export function edgeUpdate(key: string, cur: TwinRow | undefined, entry: unknown, now: number): TwinRow {
  checkKey(key);
  if (!isObj(entry)) throw new TwinError(400, `twin.${key} must be an object`);
  const next = cur ? clone(cur) : emptyTwin(key);
  const expected = valueAt(`twin.${key}.expected`, entry.expected, now);
  const actual = valueAt(`twin.${key}.actual`, entry.actual, now);
  if (expected) {
    next.expected = expected;
    next.expectedVersion.edge++;
  }
  if (actual) {
    next.actual = actual;
    next.actualVersion.edge++;
  }
  if (typeof entry.optional === 'boolean') next.optional = entry.optional;
  if (isObj(entry.metadata)) {
    next.metadata = { ...next.metadata, ...entry.metadata };
    if (typeof entry.metadata.type === 'string') next.attrType = entry.metadata.type;
  }
  return next;
}

/**
 * One twin of a cloud sync (`twin/cloud_updated`): KubeEdge's SyncDealType. The request must carry
 * versions; a cloud version below ours is "version not allowed", an edge version below ours is a conflict.
 */
export function syncUpdate(key: string, cur: TwinRow | undefined, entry: unknown, now: number): TwinRow {
  checkKey(key);
  if (!isObj(entry)) throw new TwinError(400, `twin.${key} must be an object`);
  const next = cur ? clone(cur) : emptyTwin(key);
  const apply = (which: 'expected' | 'actual', vKey: 'expected_version' | 'actual_version', slot: 'expectedVersion' | 'actualVersion') => {
    const value = valueAt(`twin.${key}.${which}`, entry[which], now);
    if (!value) return;
    const req = versionAt(`twin.${key}.${vKey}`, entry[vKey]);
    if (!req) throw new TwinError(400, `twin.${key}.${vKey}: version not allowed be nil while syncing`);
    const have = next[slot];
    if (have.cloud > req.cloud) throw new TwinError(409, `twin.${key}: version not allowed (cloud ${req.cloud} < ${have.cloud})`);
    if (have.edge > req.edge) throw new TwinError(409, `twin.${key}: not allowed to sync due to version conflict (edge ${req.edge} < ${have.edge})`);
    next[which] = value;
    next[slot] = req;
  };
  apply('expected', 'expected_version', 'expectedVersion');
  apply('actual', 'actual_version', 'actualVersion');
  return next;
}

/** A desired value from the Device object: the cloud's change, so the cloud version goes up by one. */
export function desiredUpdate(cur: TwinRow, desired: string | undefined, now: number): TwinRow | undefined {
  if (cur.expected?.value === desired) return undefined;
  const next = clone(cur);
  if (desired === undefined) delete next.expected;
  else next.expected = { value: desired, metadata: { timestamp: now } };
  next.expectedVersion.cloud++;
  return next;
}

/** KubeEdge's MsgTwin JSON. */
export function msgTwin(t: TwinRow): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  if (t.expected) m.expected = { value: t.expected.value, metadata: t.expected.metadata };
  if (t.actual) m.actual = { value: t.actual.value, metadata: t.actual.metadata };
  m.optional = t.optional;
  m.metadata = { ...t.metadata, ...(t.attrType ? { type: t.attrType } : {}) };
  m.expected_version = t.expectedVersion;
  m.actual_version = t.actualVersion;
  return m;
}

export function msgTwins(twins: Map<string, TwinRow>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, t] of twins) out[k] = msgTwin(t);
  return out;
}

/** Properties whose expected value differs from the actual one: `{name: expected}` (KubeEdge's delta). */
export function deltaOf(twins: Map<string, TwinRow>): Record<string, string> {
  const d: Record<string, string> = {};
  for (const [k, t] of twins) if (t.expected && t.expected.value !== t.actual?.value) d[k] = t.expected.value;
  return d;
}
