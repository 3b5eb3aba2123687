import { chmodSync, existsSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import {
  unixSocketPath, type MapperRegisterRequest, type MapperRegisterResponse, type ReportDeviceStatesRequest, type ReportDeviceStatusRequest,
} from '@kedge/api/dmi/index.js';
import type { Logger, Module } from '@kedge/core';
import type { DeviceTwinApi, TwinResult } from '../devicetwin/types.js';
import { loadDmiServices } from './load-proto.js';
import { createMapperClient, type MapperClient } from './mapper-client.js';
import { MapperStore, type MapperRecord } from './mapper-store.js';
import { desiredFor, MapperSync } from './mapper-sync.js';
import { createTokenBucket } from '../edgehub/token-bucket.js';

export interface DmiServerOptions {
  /** EdgeCore's DMI socket (deviceTwin.dmiSocket). */
  socket: string;
  /** Where registered mappers are remembered across restarts. */
  stateFile: string;
  twin: DeviceTwinApi;
  log: Logger;
  /** Per-call deadline towards mappers. Default 10 s (KubeEdge's). */
  callTimeoutMs?: number;
  /**
   * Reports per second and burst (deviceTwin.dmiReportQps / dmiReportBurst). Default 2000 and 4000: KubeEdge's
   * 1 and 100 would throttle 1,000 devices reporting every second, a deliberate deviation.
   */
  rate?: { perSecond: number; burst: number };
  /** For tests: a different mapper client. */
  clientFor?: (socket: string) => MapperClient;
}

export interface DmiServer extends Module {
  /** Registered mappers by name. */
  mappers(): MapperRecord[];
  /** Reports refused with RESOURCE_EXHAUSTED by the rate limit since start (the SDK resends them next cycle). */
  throttled(): number;
  /** Resolves when every mapper's pending sync pass is done. */
  idle(): Promise<void>;
}

class RpcError extends Error {
  constructor(readonly code: status, message: string) { super(message); }
}

type Handler<Req, Res> = (call: ServerUnaryCall<Req, Res>, cb: sendUnaryData<Res>) => void;

function unary<Req, Res>(log: Logger, method: string, fn: (req: Req) => Res): Handler<Req, Res> {
  return (call, cb) => {
    try {
      cb(null, fn(call.request));
    } catch (err) {
      const e = err instanceof RpcError ? err : new RpcError(status.INTERNAL, (err as Error).message);
      if (e.code === status.INTERNAL) log.error({ method, err }, 'dmi call failed');
      cb({ code: e.code, details: e.message } as never, null);
    }
  };
}

function throwOnResult(r: TwinResult, what: string): void {
  if (r.code === 200) return;
  const code = r.code === 400 ? status.INVALID_ARGUMENT : r.code === 404 ? status.NOT_FOUND : r.code === 409 ? status.ABORTED : status.INTERNAL;
  throw new RpcError(code, `${what}: ${r.reason ?? `code ${r.code}`}`);
}

const socketPath = (address: Uint8Array | string | undefined): string =>
  unixSocketPath(typeof address === 'string' ? address : Buffer.from(address ?? []).toString('utf8'));

/** EdgeCore's DeviceManagerService on a unix socket, plus a DeviceMapperService client per registered mapper. */
export function createDmiServer(opts: DmiServerOptions): DmiServer {
  const log = opts.log.child({ module: 'dmi' });
  const store = new MapperStore(opts.stateFile);
  const syncs = new Map<string, MapperSync>();
  const rate = opts.rate ?? { perSecond: 2000, burst: 4000 };
  const limiter = createTokenBucket(rate.perSecond, rate.burst);
  let throttled = 0;
  let lastThrottleLog = 0;
  const clientFor = opts.clientFor ?? ((s: string) => createMapperClient(s, opts.callTimeoutMs ?? 10_000));
  const save = () => store.save();
  let signal: AbortSignal = new AbortController().signal;

  const attach = (rec: MapperRecord): MapperSync => {
    syncs.get(rec.name)?.close();
    const s = new MapperSync(rec, clientFor(rec.address), opts.twin, save, log, signal);
    syncs.set(rec.name, s);
    return s;
  };

  // A refused report is not lost silently: the mapper sees RESOURCE_EXHAUSTED and resends its latest value next
  // cycle; the refusals are counted and logged (at most every 10 s so a storm does not flood the log).
  const limited = () => {
    if (limiter.tryTake()) return;
    throttled++;
    const now = Date.now();
    if (now - lastThrottleLog >= 10_000) {
      lastThrottleLog = now;
      log.warn({ throttled, perSecond: rate.perSecond, burst: rate.burst }, 'DMI reports throttled (deviceTwin.dmiReportQps / dmiReportBurst)');
    }
    throw new RpcError(status.RESOURCE_EXHAUSTED, `too many requests: DMI allows ${rate.perSecond} reports per second, bursts of ${rate.burst} (deviceTwin.dmiReportQps / dmiReportBurst)`);
  };

  const mapperRegister = (req: MapperRegisterRequest): MapperRegisterResponse => {
    const m = req.mapper;
    if (!m) throw new RpcError(status.INVALID_ARGUMENT, 'mapper: required');
    if (!m.name) throw new RpcError(status.INVALID_ARGUMENT, 'mapper.name: required');
    if (!m.protocol) throw new RpcError(status.INVALID_ARGUMENT, 'mapper.protocol: required');
    const address = socketPath(m.address);
    if (!address) throw new RpcError(status.INVALID_ARGUMENT, 'mapper.address: required (the mapper\'s unix socket path)');
    const want = desiredFor(opts.twin, m.protocol);
    const rec: MapperRecord = {
      name: m.name, version: m.version, apiVersion: m.api_version, protocol: m.protocol, address,
      // With withData the reply carries everything, so the mapper has it all; otherwise it has nothing yet.
      devices: req.withData ? Object.fromEntries([...want.devices].map(([k, d]) => [k, d.hash])) : {},
      models: req.withData ? Object.fromEntries([...want.models].map(([k, d]) => [k, d.hash])) : {},
    };
    store.mappers.set(rec.name, rec);
    store.save();
    const sync = attach(rec);
    log.info({ mapper: rec.name, protocol: rec.protocol, address, devices: want.devices.size }, 'mapper registered');
    if (!req.withData) sync.kick();
    return req.withData
      ? { modelList: [...want.models.values()].map((x) => x.dmi), deviceList: [...want.devices.values()].map((x) => x.dmi) }
      : { modelList: [], deviceList: [] };
  };

  const reportDeviceStatus = (req: ReportDeviceStatusRequest): Record<string, never> => {
    limited();
    if (!req.deviceName) throw new RpcError(status.INVALID_ARGUMENT, 'deviceName: required');
    const ns = req.deviceNamespace || 'default';
    const twins = (req.reportedDevice?.twins ?? []).map((t) => ({
      propertyName: t.propertyName,
      ...(t.reported ? { reported: { value: t.reported.value, metadata: { ...t.reported.metadata } } } : {}),
      ...(t.observedDesired ? { observedDesired: { value: t.observedDesired.value, metadata: { ...t.observedDesired.metadata } } } : {}),
    }));
    if (twins.length === 0) throw new RpcError(status.INVALID_ARGUMENT, 'reportedDevice.twins: no twin data');
    throwOnResult(opts.twin.reportTwins(ns, req.deviceName, twins), `device ${ns}/${req.deviceName}`);
    return {};
  };

  const reportDeviceStates = (req: ReportDeviceStatesRequest): Record<string, never> => {
    limited();
    if (!req.deviceName) throw new RpcError(status.INVALID_ARGUMENT, 'deviceName: required');
    if (!req.state) throw new RpcError(status.INVALID_ARGUMENT, 'state: required');
    const ns = req.deviceNamespace || 'default';
    throwOnResult(opts.twin.reportState(ns, req.deviceName, req.state), `device ${ns}/${req.deviceName}`);
    return {};
  };

  return {
    name: 'dmi',
    mappers: () => [...store.mappers.values()],
    throttled: () => throttled,
    async idle() {
      await Promise.all([...syncs.values()].map((s) => s.idle()));
    },
    async start(sig) {
      signal = sig;
      const server = new Server();
      server.addService(loadDmiServices().DeviceManagerService.service, {
        MapperRegister: unary(log, 'MapperRegister', mapperRegister),
        ReportDeviceStatus: unary(log, 'ReportDeviceStatus', reportDeviceStatus),
        ReportDeviceStates: unary(log, 'ReportDeviceStates', reportDeviceStates),
      });
      mkdirSync(dirname(opts.socket), { recursive: true, mode: 0o700 });
      // A socket left by a crashed EdgeCore would make bind fail with EADDRINUSE.
      if (existsSync(opts.socket) && lstatSync(opts.socket).isSocket()) unlinkSync(opts.socket);
      const bindErr = await new Promise<Error | null>((resolve) =>
        server.bindAsync(`unix:${opts.socket}`, ServerCredentials.createInsecure(), (err) => resolve(err)));
      if (bindErr) {
        // Mappers cannot register, but pods, twins and the EventBus keep working: not fatal for EdgeCore.
        log.error({ socket: opts.socket, err: bindErr.message }, 'DMI cannot listen; mappers will not be able to register (set deviceTwin.dmiSocket)');
        if (!sig.aborted) await new Promise<void>((r) => sig.addEventListener('abort', () => r(), { once: true }));
        server.forceShutdown();
        return;
      }
      chmodSync(opts.socket, 0o660);
      log.info({ socket: opts.socket }, 'DMI listening');
      // Mappers remembered from before a restart: resume sending them what changed meanwhile.
      for (const rec of store.mappers.values()) attach(rec).kick();
      const unsubscribe = opts.twin.onDeviceChange(() => { for (const s of syncs.values()) s.kick(); });
      if (!sig.aborted) await new Promise<void>((r) => sig.addEventListener('abort', () => r(), { once: true }));
      unsubscribe();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => { server.forceShutdown(); resolve(); }, 2000);
        server.tryShutdown(() => { clearTimeout(force); resolve(); });
      });
      for (const s of syncs.values()) {
        await s.idle();
        s.close();
      }
      try { unlinkSync(opts.socket); } catch { /* already gone */ }
    },
  };
}
