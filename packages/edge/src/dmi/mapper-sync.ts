import { status as grpcStatus } from '@grpc/grpc-js';
import { deviceToDmi, modelToDmi, type DmiDevice, type DmiDeviceModel } from '@kedge/api/dmi/index.js';
import { sleep, type Logger } from '@kedge/core';
import type { DeviceTwinApi } from '../devicetwin/types.js';
import { createBackoff } from '../edgehub/backoff.js';
import type { MapperClient } from './mapper-client.js';
import type { MapperRecord } from './mapper-store.js';

export interface DesiredSet {
  devices: Map<string, { dmi: DmiDevice; hash: string }>;
  models: Map<string, { dmi: DmiDeviceModel; hash: string }>;
}

const key = (ns: string, name: string): string => `${ns}/${name}`;
const split = (k: string): [string, string] => {
  const i = k.indexOf('/');
  return [k.slice(0, i), k.slice(i + 1)];
};

// Reported twins change with every report; they are not a reason to resend the device.
const deviceHash = (d: DmiDevice): string => JSON.stringify([d.spec, d.status?.reportToCloud, d.status?.reportCycle]);

/** The devices and models a mapper of `protocol` should hold: every device of that protocol on this node. */
export function desiredFor(twin: DeviceTwinApi, protocol: string): DesiredSet {
  const out: DesiredSet = { devices: new Map(), models: new Map() };
  for (const { device, model } of twin.listDevices(protocol)) {
    const d = deviceToDmi(device);
    out.devices.set(key(d.namespace, d.name), { dmi: d, hash: deviceHash(d) });
    if (model) {
      const m = modelToDmi(model);
      out.models.set(key(m.namespace, m.name), { dmi: m, hash: JSON.stringify(m.spec) });
    }
  }
  return out;
}

const code = (err: unknown): number | undefined => (err as { code?: number })?.code;

/**
 * Level-triggered: compares what the mapper should have (DeviceTwin) with what it was sent (the record)
 * and makes the calls that close the gap. A failed call (mapper down) retries the whole pass with backoff.
 */
export class MapperSync {
  private dirty = false;
  private running: Promise<void> | undefined;

  constructor(
    readonly rec: MapperRecord,
    private readonly client: MapperClient,
    private readonly twin: DeviceTwinApi,
    private readonly save: () => void,
    private readonly log: Logger,
    private readonly signal: AbortSignal,
  ) {}

  kick(): void {
    this.dirty = true;
    this.running ??= this.loop().finally(() => { this.running = undefined; });
  }

  /** Resolves when no pass is pending (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.client.close();
  }

  private async loop(): Promise<void> {
    const backoff = createBackoff({ initialMs: 1000, maxMs: 30_000, jitter: 0 });
    while (this.dirty && !this.signal.aborted) {
      this.dirty = false;
      try {
        await this.pass();
        backoff.reset();
      } catch (err) {
        const retryMs = backoff.next();
        this.log.warn({ mapper: this.rec.name, err: (err as Error).message, retryMs }, 'mapper unreachable; will retry');
        this.dirty = true;
        await sleep(retryMs, this.signal);
      }
    }
  }

  private async pass(): Promise<void> {
    const want = desiredFor(this.twin, this.rec.protocol);
    const { rec, client } = this;
    let changed = false;
    const note = () => { changed = true; };
    try {
      for (const [k, m] of want.models) {
        if (rec.models[k] === m.hash) continue;
        if (rec.models[k] === undefined) await client.createDeviceModel(m.dmi);
        else await client.updateDeviceModel(m.dmi);
        rec.models[k] = m.hash;
        note();
      }
      for (const [k, d] of want.devices) {
        if (rec.devices[k] === d.hash) continue;
        if (rec.devices[k] === undefined) {
          try {
            await client.registerDevice(d.dmi);
          } catch (err) {
            // The mapper kept it from before an EdgeCore restart: send it as an update instead.
            if (code(err) !== grpcStatus.ALREADY_EXISTS) throw err;
            await client.updateDevice(d.dmi);
          }
        } else {
          await client.updateDevice(d.dmi);
        }
        rec.devices[k] = d.hash;
        note();
      }
      for (const k of Object.keys(rec.devices)) {
        if (want.devices.has(k)) continue;
        const [ns, name] = split(k);
        try {
          await client.removeDevice(ns, name);
        } catch (err) {
          if (code(err) !== grpcStatus.NOT_FOUND) throw err;
        }
        delete rec.devices[k];
        note();
      }
      for (const k of Object.keys(rec.models)) {
        if (want.models.has(k)) continue;
        const [ns, name] = split(k);
        try {
          await client.removeDeviceModel(ns, name);
        } catch (err) {
          if (code(err) !== grpcStatus.NOT_FOUND) throw err;
        }
        delete rec.models[k];
        note();
      }
    } finally {
      if (changed) this.save();
    }
  }
}
