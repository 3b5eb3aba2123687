import { chmodSync, existsSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Server as HttpServer } from 'node:http';
import { credentials, Server, ServerCredentials, status, type Client, type handleUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { unixTarget, type DmiDevice, type DmiDeviceModel, type MapperRegisterResponse } from '@kedge/api/dmi/index.js';
import { sleep, type Logger } from '@kedge/core';
import type { MapperConfig } from './config.js';
import { DeviceRunner, type Backoff, type Reporter } from './device-runner.js';
import { toDeviceSettings } from './device-spec.js';
import type { DriverFactory } from './driver.js';
import { dmiServices } from './dmi-proto.js';
import { Pusher } from './push.js';
import { restPort, startRest } from './rest.js';

export interface RunMapperOptions {
  factory: DriverFactory;
  config: MapperConfig;
  log: Logger;
  signal: AbortSignal;
  /** Called once the mapper serves its socket and REST API. */
  onReady?: (info: { socket: string; restPort?: number }) => void;
  /** Device reconnect backoff and the consecutive read failures that trigger a reconnect (tests shorten it). */
  backoff?: Backoff;
}

type Unary = (req: unknown, opts: { deadline: Date }, cb: (err: ServiceError | null, res: unknown) => void) => void;
const key = (ns: string | undefined, name: string): string => `${ns || 'default'}/${name}`;

/**
 * A mapper process: serves DeviceMapperService on its socket, registers with EdgeCore's DMI (retrying
 * until EdgeCore is up, again whenever EdgeCore comes back), runs one DeviceRunner per device, and serves
 * the REST API. Resolves after `signal` aborts and everything is stopped.
 */
export async function runMapper(opts: RunMapperOptions): Promise<void> {
  const { config: cfg, factory, signal } = opts;
  const log = opts.log.child({ module: 'mapper', mapper: cfg.name });
  const services = dmiServices();
  const dmi = new services.DeviceManagerService(unixTarget(cfg.dmiSocket), credentials.createInsecure()) as Client & Record<string, Unary>;
  const call = <T>(method: string, req: unknown, timeoutMs = 10_000): Promise<T> =>
    new Promise((resolve, reject) => dmi[method]!.call(dmi, req, { deadline: new Date(Date.now() + timeoutMs) }, (e, r) => (e ? reject(e) : resolve(r as T))));

  const models = new Map<string, DmiDeviceModel>();
  const dmiDevices = new Map<string, DmiDevice>();
  const runners = new Map<string, DeviceRunner>();
  const pusher = new Pusher(log);
  let registered = false;
  let wake: () => void = () => undefined;

  const lost = (err: unknown) => {
    if ((err as ServiceError)?.code === status.UNAVAILABLE && registered) {
      registered = false;
      log.warn('EdgeCore DMI unreachable; will register again when it is back');
      wake();
    }
    throw err;
  };
  const reporter: Reporter = {
    twins: (ns, name, twins) => call('ReportDeviceStatus', { deviceName: name, deviceNamespace: ns, reportedDevice: { twins } }).then(() => undefined, lost),
    state: (ns, name, state) => call('ReportDeviceStates', { deviceName: name, deviceNamespace: ns, state }).then(() => undefined, lost),
  };

  const modelOf = (d: DmiDevice) => models.get(key(d.namespace, d.spec?.deviceModelReference ?? ''));
  const upsert = async (d: DmiDevice): Promise<void> => {
    if (!d?.name) throw Object.assign(new Error('device.name: required'), { code: status.INVALID_ARGUMENT });
    const k = key(d.namespace, d.name);
    const settings = toDeviceSettings(d, modelOf(d));
    if (settings.skipped.length) log.warn({ device: k, keys: settings.skipped }, 'configData keys with unreadable types skipped');
    dmiDevices.set(k, d);
    const old = runners.get(k);
    // Only desired values changed: write them; anything else restarts the device with the new settings.
    if (old && JSON.stringify({ ...old.settings, spec: { ...old.settings.spec, properties: old.settings.spec.properties.map((p) => ({ ...p, desired: undefined })) } })
      === JSON.stringify({ ...settings, spec: { ...settings.spec, properties: settings.spec.properties.map((p) => ({ ...p, desired: undefined })) } })) {
      old.applyDesired(settings);
      return;
    }
    if (old) await old.stop();
    const r = new DeviceRunner(settings, factory, reporter, pusher, log, opts.backoff);
    runners.set(k, r);
    r.start();
    log.info({ device: k, properties: settings.spec.properties.length }, old ? 'device updated' : 'device added');
  };
  const remove = async (ns: string, name: string): Promise<void> => {
    const k = key(ns, name);
    dmiDevices.delete(k);
    const r = runners.get(k);
    runners.delete(k);
    if (r) {
      await r.stop();
      log.info({ device: k }, 'device removed');
    }
  };
  const setModel = async (m: DmiDeviceModel | null | undefined): Promise<void> => {
    if (!m?.name) throw Object.assign(new Error('model.name: required'), { code: status.INVALID_ARGUMENT });
    models.set(key(m.namespace, m.name), m);
    // Devices using this model pick up its types and access modes.
    for (const d of dmiDevices.values()) if (modelOf(d) === m) await upsert(d);
  };
  const sync = async (res: MapperRegisterResponse): Promise<void> => {
    for (const m of res.modelList) models.set(key(m.namespace, m.name), m);
    const want = new Set(res.deviceList.map((d) => key(d.namespace, d.name)));
    for (const k of [...runners.keys()]) if (!want.has(k)) await remove(...(k.split('/') as [string, string]));
    for (const d of res.deviceList) await upsert(d);
  };

  const handler = (fn: (req: any) => Promise<unknown>): handleUnaryCall<any, any> => (c, cb) => {
    fn(c.request).then((r) => cb(null, r), (e: Error & { code?: number }) => cb({ code: e.code ?? status.INTERNAL, details: e.message } as ServiceError, null));
  };
  const server = new Server();
  server.addService(services.DeviceMapperService.service, {
    RegisterDevice: handler(async (r) => { await upsert(r.device); return { deviceName: r.device.name, deviceNamespace: r.device.namespace }; }),
    UpdateDevice: handler(async (r) => { await upsert(r.device); return {}; }),
    RemoveDevice: handler(async (r) => { await remove(r.deviceNamespace, r.deviceName); return {}; }),
    CreateDeviceModel: handler(async (r) => { await setModel(r.model); return { deviceModelName: r.model.name, deviceModelNamespace: r.model.namespace }; }),
    UpdateDeviceModel: handler(async (r) => { await setModel(r.model); return {}; }),
    RemoveDeviceModel: handler(async (r) => { models.delete(key(r.modelNamespace, r.modelName)); return {}; }),
    GetDevice: handler(async (r) => {
      const k = key(r.deviceNamespace, r.deviceName);
      const d = dmiDevices.get(k);
      if (!d) throw Object.assign(new Error(`device ${k} not found`), { code: status.NOT_FOUND });
      const run = runners.get(k);
      const twins = [...(run?.readings ?? new Map())].map(([propertyName, v]) => ({ propertyName, reported: { value: String(v.value), metadata: { timestamp: String(v.timestamp) } } }));
      return { device: { ...d, status: { ...d.status, twins } } };
    }),
  });
  mkdirSync(dirname(cfg.socket), { recursive: true });
  if (existsSync(cfg.socket) && lstatSync(cfg.socket).isSocket()) unlinkSync(cfg.socket);
  await new Promise<void>((res, rej) => server.bindAsync(`unix:${cfg.socket}`, ServerCredentials.createInsecure(), (e) => (e ? rej(e) : res())));
  chmodSync(cfg.socket, 0o660);
  let rest: HttpServer | undefined;
  try {
    if (cfg.restPort >= 0) rest = await startRest({ bind: cfg.restBind, port: cfg.restPort, name: cfg.name, devices: () => runners });
    log.info({ socket: cfg.socket, rest: rest ? `${cfg.restBind}:${restPort(rest)}` : 'off', dmi: cfg.dmiSocket }, 'mapper serving');
    opts.onReady?.({ socket: cfg.socket, ...(rest ? { restPort: restPort(rest) } : {}) });

    // Register until it works; after EdgeCore drops away (a report fails UNAVAILABLE), register again.
    let delay = 500;
    while (!signal.aborted) {
      if (!registered) {
        try {
          const res = await call<MapperRegisterResponse>('MapperRegister', {
            withData: true,
            mapper: { name: cfg.name, version: cfg.version, api_version: cfg.apiVersion, protocol: cfg.protocol, address: Buffer.from(cfg.socket), state: 'ok' },
          });
          registered = true;
          delay = 500;
          log.info({ devices: res.deviceList.length, models: res.modelList.length }, 'registered with EdgeCore');
          await sync(res);
        } catch (err) {
          log.debug({ err: (err as Error).message, retryMs: delay }, 'EdgeCore DMI not reachable yet');
          await sleep(delay, signal);
          delay = Math.min(delay * 2, 10_000);
          continue;
        }
      }
      if (signal.aborted) break;
      await new Promise<void>((r) => {
        wake = r;
        signal.addEventListener('abort', () => r(), { once: true });
      });
    }
  } finally {
    await Promise.all([...runners.values()].map((r) => r.stop()));
    runners.clear();
    await new Promise<void>((r) => { const t = setTimeout(() => { server.forceShutdown(); r(); }, 2000); server.tryShutdown(() => { clearTimeout(t); r(); }); });
    if (rest) await new Promise<void>((r) => { rest!.closeAllConnections(); rest!.close(() => r()); });
    await pusher.close();
    dmi.close();
    try { unlinkSync(cfg.socket); } catch { /* gone */ }
  }
}
