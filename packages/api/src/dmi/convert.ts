import type { KubeObject } from '../meta.js';
import { fromCustomizedValue, toCustomizedValue } from './any.js';
import type {
  DmiDBMethod, DmiDevice, DmiDeviceModel, DmiDeviceProperty, DmiPushMethod, DmiTwin, DmiTwinProperty,
} from './types.js';

/**
 * devices.kubeedge.io/v1beta1 Device/DeviceModel objects ↔ DMI messages. EdgeCore converts what it caches
 * into DMI for mappers (RegisterDevice, MapperRegister's reply); the mapper SDK converts back to the CRD
 * shape so drivers read the same field names users write in YAML.
 */

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? v as Obj : {});
const a = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const s = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : 0);
const strMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(o(v)).map(([k, x]) => [k, s(x)]));

const twinPropToDmi = (v: unknown): DmiTwinProperty | null => {
  const t = o(v);
  return v === undefined || v === null ? null : { value: s(t.value), metadata: strMap(t.metadata) };
};

function pushMethodToDmi(v: unknown): DmiPushMethod | null {
  if (!v || typeof v !== 'object') return null;
  const pm = o(v);
  const out: DmiPushMethod = {};
  if (pm.http) {
    const h = o(pm.http);
    out.http = { hostname: s(h.hostName), port: n(h.port), requestpath: s(h.requestPath), timeout: n(h.timeout) };
  }
  if (pm.mqtt) {
    const m = o(pm.mqtt);
    out.mqtt = { address: s(m.address), topic: s(m.topic), qos: n(m.qos), retained: m.retained === true };
  }
  if (pm.otel) out.otel = { endpointURL: s(o(pm.otel).endpointURL) };
  if (pm.dbMethod) {
    const db = o(pm.dbMethod);
    const d: DmiDBMethod = {};
    if (db.influxdb2) {
      const i = o(db.influxdb2);
      const c = o(i.influxdb2ClientConfig);
      const dc = o(i.influxdb2DataConfig);
      d.influxdb2 = {
        influxdb2ClientConfig: { url: s(c.url), org: s(c.org), bucket: s(c.bucket) },
        influxdb2DataConfig: { measurement: s(dc.measurement), tag: strMap(dc.tag), fieldKey: s(dc.fieldKey) },
      };
    }
    if (db.redis) {
      const c = o(o(db.redis).redisClientConfig);
      d.redis = { redisClientConfig: { addr: s(c.addr), db: n(c.db), poolsize: n(c.poolsize), minIdleConns: n(c.minIdleConns) } };
    }
    // The CRD's JSON keys are capitalised (`TDEngine`, `TDEngineClientConfig`, `dbName`).
    if (db.TDEngine) {
      const c = o(o(db.TDEngine).TDEngineClientConfig);
      d.tdengine = { tdEngineClientConfig: { addr: s(c.addr), dbname: s(c.dbName) } };
    }
    if (db.mysql) {
      const c = o(o(db.mysql).mysqlClientConfig);
      d.mysql = { mysqlClientConfig: { addr: s(c.addr), database: s(c.database), userName: s(c.userName) } };
    }
    out.dbMethod = d;
  }
  return out;
}

/** A Device object → DMI Device (spec + the twins and state-report settings the mapper needs). */
export function deviceToDmi(device: KubeObject): DmiDevice {
  const spec = o(device.spec);
  const status = o(device.status);
  const protocol = o(spec.protocol);
  const stateReport = o(spec.stateReport);
  const properties: DmiDeviceProperty[] = a(spec.properties).map((raw) => {
    const p = o(raw);
    const vis = o(p.visitors);
    return {
      name: s(p.name),
      desired: twinPropToDmi(p.desired),
      visitors: { protocolName: s(vis.protocolName) || s(protocol.protocolName), configData: toCustomizedValue(o(vis.configData)) },
      reportCycle: n(p.reportCycle),
      collectCycle: n(p.collectCycle),
      reportToCloud: p.reportToCloud === true,
      pushMethod: pushMethodToDmi(p.pushMethod),
    };
  });
  const twins: DmiTwin[] = a(status.twins).map((raw) => {
    const t = o(raw);
    return { propertyName: s(t.propertyName), reported: twinPropToDmi(t.reported), observedDesired: twinPropToDmi(t.observedDesired) };
  });
  return {
    name: s(device.metadata?.name),
    namespace: s(device.metadata?.namespace) || 'default',
    spec: {
      deviceModelReference: s(o(spec.deviceModelRef).name),
      protocol: { protocolName: s(protocol.protocolName), configData: toCustomizedValue(o(protocol.configData)) },
      properties,
      methods: a(spec.methods).map((raw) => {
        const m = o(raw);
        return { name: s(m.name), description: s(m.description), propertyNames: a(m.propertyNames).map(s) };
      }),
    },
    status: {
      twins,
      // v1.23 moved these to spec.stateReport; older objects keep them in status.
      reportToCloud: (stateReport.reportToCloud ?? status.reportToCloud) === true,
      reportCycle: n(stateReport.reportCycle ?? status.reportCycle),
    },
  };
}

/** A DeviceModel object → DMI DeviceModel. */
export function modelToDmi(model: KubeObject): DmiDeviceModel {
  const spec = o(model.spec);
  return {
    name: s(model.metadata?.name),
    namespace: s(model.metadata?.namespace) || 'default',
    spec: {
      properties: a(spec.properties).map((raw) => {
        const p = o(raw);
        return {
          name: s(p.name), description: s(p.description), type: s(p.type), accessMode: s(p.accessMode),
          minimum: s(p.minimum), maximum: s(p.maximum), unit: s(p.unit),
        };
      }),
      commands: [],
    },
  };
}

const twinPropFromDmi = (t: DmiTwinProperty | null | undefined): Obj | undefined =>
  t ? { value: t.value ?? '', ...(t.metadata && Object.keys(t.metadata).length ? { metadata: { ...t.metadata } } : {}) } : undefined;

const clean = (x: Obj): Obj => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined));

function pushMethodFromDmi(pm: DmiPushMethod | null | undefined): Obj | undefined {
  if (!pm) return undefined;
  const out: Obj = {};
  if (pm.http) out.http = { hostName: pm.http.hostname, port: pm.http.port, requestPath: pm.http.requestpath, timeout: pm.http.timeout };
  if (pm.mqtt) out.mqtt = { address: pm.mqtt.address, topic: pm.mqtt.topic, qos: pm.mqtt.qos, retained: pm.mqtt.retained };
  if (pm.otel) out.otel = { endpointURL: pm.otel.endpointURL };
  const db = pm.dbMethod;
  if (db) {
    const d: Obj = {};
    if (db.influxdb2) d.influxdb2 = { influxdb2ClientConfig: { ...db.influxdb2.influxdb2ClientConfig }, influxdb2DataConfig: { ...db.influxdb2.influxdb2DataConfig } };
    if (db.redis) d.redis = { redisClientConfig: { ...db.redis.redisClientConfig } };
    if (db.tdengine) d.TDEngine = { TDEngineClientConfig: { addr: db.tdengine.tdEngineClientConfig?.addr ?? '', dbName: db.tdengine.tdEngineClientConfig?.dbname ?? '' } };
    if (db.mysql) d.mysql = { mysqlClientConfig: { ...db.mysql.mysqlClientConfig } };
    out.dbMethod = d;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * DMI Device → a Device object (devices.kubeedge.io/v1beta1) with the CRD's field names. `skipped` collects
 * configData keys whose Any type could not be read.
 */
export function deviceFromDmi(d: DmiDevice, skipped: string[] = []): KubeObject {
  const spec = d.spec;
  const status = d.status;
  return {
    apiVersion: 'devices.kubeedge.io/v1beta1',
    kind: 'Device',
    metadata: { name: d.name, namespace: d.namespace || 'default' },
    spec: clean({
      deviceModelRef: { name: spec?.deviceModelReference ?? '' },
      protocol: { protocolName: spec?.protocol?.protocolName ?? '', configData: fromCustomizedValue(spec?.protocol?.configData, skipped) },
      properties: (spec?.properties ?? []).map((p) => clean({
        name: p.name,
        desired: twinPropFromDmi(p.desired),
        visitors: { protocolName: p.visitors?.protocolName ?? '', configData: fromCustomizedValue(p.visitors?.configData, skipped) },
        reportCycle: Number(p.reportCycle) || undefined,
        collectCycle: Number(p.collectCycle) || undefined,
        reportToCloud: p.reportToCloud,
        pushMethod: pushMethodFromDmi(p.pushMethod),
      })),
      methods: (spec?.methods ?? []).length ? spec!.methods.map((m) => ({ name: m.name, description: m.description, propertyNames: [...m.propertyNames] })) : undefined,
      stateReport: { reportToCloud: status?.reportToCloud ?? false, reportCycle: Number(status?.reportCycle) || 0 },
    }),
    status: {
      twins: (status?.twins ?? []).map((t) => clean({
        propertyName: t.propertyName, reported: twinPropFromDmi(t.reported), observedDesired: twinPropFromDmi(t.observedDesired),
      })),
    },
  };
}

/** DMI DeviceModel → a DeviceModel object. */
export function modelFromDmi(m: DmiDeviceModel, protocol = ''): KubeObject {
  return {
    apiVersion: 'devices.kubeedge.io/v1beta1',
    kind: 'DeviceModel',
    metadata: { name: m.name, namespace: m.namespace || 'default' },
    spec: {
      protocol,
      properties: (m.spec?.properties ?? []).map((p) => clean({
        name: p.name, description: p.description || undefined, type: p.type, accessMode: p.accessMode,
        minimum: p.minimum || undefined, maximum: p.maximum || undefined, unit: p.unit || undefined,
      })),
    },
  };
}
