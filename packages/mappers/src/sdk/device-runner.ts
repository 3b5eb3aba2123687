import { sleep, type Logger } from '@kedge/core';
import type { DeviceState, Driver, DriverFactory, PropertySpec, PropertyValue } from './driver.js';
import type { DeviceSettings } from './device-spec.js';
import type { Pusher } from './push.js';

export interface Reading { value: PropertyValue; timestamp: number }

/** Where a device's results go (the DMI client in production). */
export interface Reporter {
  twins(namespace: string, name: string, twins: Array<{ propertyName: string; reported?: { value: string; metadata: Record<string, string> }; observedDesired?: { value: string; metadata: Record<string, string> } }>): Promise<void>;
  state(namespace: string, name: string, state: DeviceState): Promise<void>;
}

const metadata = (p: PropertySpec, ts: number): Record<string, string> => ({ timestamp: String(ts), type: p.type.toLowerCase() });

/**
 * One device: driver.init with reconnect backoff, then a collect loop per property, a report loop
 * (ReportDeviceStatus, reported + observedDesired), a state loop (ReportDeviceStates), and desired-value
 * writes for ReadWrite properties. stop() ends every loop and the driver.
 */
export class DeviceRunner {
  readonly readings = new Map<string, Reading>();
  readonly observedDesired = new Map<string, string>();
  private readonly ctl = new AbortController();
  private driver: Driver | undefined;
  private ready = false;
  private lastState: DeviceState | undefined;
  private done: Promise<void> = Promise.resolve();

  constructor(
    public settings: DeviceSettings,
    private readonly factory: DriverFactory,
    private readonly reporter: Reporter,
    private readonly pusher: Pusher,
    private readonly log: Logger,
    private readonly backoff = { initialMs: 1000, maxMs: 30_000 },
  ) {}

  get id(): string {
    return `${this.settings.spec.namespace}/${this.settings.spec.name}`;
  }

  start(): void {
    this.done = this.run().catch((err) => this.log.error({ device: this.id, err }, 'device loop failed'));
  }

  async stop(): Promise<void> {
    this.ctl.abort();
    await this.done;
    if (this.driver) await this.driver.stop().catch(() => undefined);
  }

  /** New desired values on UpdateDevice: write those that changed (ReadWrite only). */
  applyDesired(next: DeviceSettings): void {
    const old = new Map(this.settings.spec.properties.map((p) => [p.name, p.desired]));
    this.settings = next;
    if (!this.ready) return; // written after init
    for (const p of next.spec.properties) if (p.desired !== undefined && p.desired !== old.get(p.name)) void this.write(p);
  }

  private async setState(s: DeviceState, force = false): Promise<void> {
    if (s === this.lastState && !force) return;
    this.lastState = s;
    const { namespace, name } = this.settings.spec;
    await this.reporter.state(namespace, name, s).catch((err) => this.log.debug({ device: this.id, err: (err as Error).message }, 'state report failed'));
  }

  private async write(p: PropertySpec): Promise<void> {
    if (p.accessMode !== 'ReadWrite' || p.desired === undefined || !this.driver) return;
    try {
      await this.driver.write(p, p.desired);
      this.observedDesired.set(p.name, p.desired);
      this.log.info({ device: this.id, property: p.name, value: p.desired }, 'desired value written');
      await this.report([p]);
    } catch (err) {
      this.log.warn({ device: this.id, property: p.name, err: (err as Error).message }, 'desired value write failed');
    }
  }

  private async run(): Promise<void> {
    const signal = this.ctl.signal;
    let delay = this.backoff.initialMs;
    while (!signal.aborted) {
      this.driver = this.factory.create(this.settings.spec, this.log.child({ device: this.id }));
      try {
        await this.driver.init(signal);
        break;
      } catch (err) {
        this.log.warn({ device: this.id, err: (err as Error).message, retryMs: delay }, 'device init failed; retrying');
        await this.driver.stop().catch(() => undefined);
        this.driver = undefined;
        await this.setState('unhealthy');
        await sleep(delay, signal);
        delay = Math.min(delay * 2, this.backoff.maxMs);
      }
    }
    if (signal.aborted) return;
    this.ready = true;
    await this.setState('ok');
    for (const p of this.settings.spec.properties) if (p.desired !== undefined) await this.write(p);
    await Promise.all([
      ...this.settings.spec.properties.map((p) => this.collectLoop(p.name, signal)),
      this.reportLoop(signal),
      this.stateLoop(signal),
    ]);
  }

  private prop(name: string): PropertySpec | undefined {
    return this.settings.spec.properties.find((p) => p.name === name);
  }

  private async collectLoop(name: string, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const p = this.prop(name);
      if (!p || !this.driver) return;
      try {
        const value = await this.driver.read(p);
        const timestamp = Date.now();
        this.readings.set(name, { value, timestamp });
        void this.pusher.push(this.id, p, value, timestamp);
      } catch (err) {
        this.log.debug({ device: this.id, property: name, err: (err as Error).message }, 'read failed');
      }
      await sleep(p.collectCycleMs, signal);
    }
  }

  private async report(props: PropertySpec[]): Promise<void> {
    const twins = props.flatMap((p) => {
      const r = this.readings.get(p.name);
      const od = this.observedDesired.get(p.name);
      if (!r && od === undefined) return [];
      return [{
        propertyName: p.name,
        ...(r ? { reported: { value: String(r.value), metadata: metadata(p, r.timestamp) } } : {}),
        ...(od !== undefined ? { observedDesired: { value: od, metadata: metadata(p, Date.now()) } } : {}),
      }];
    });
    if (twins.length === 0) return;
    const { namespace, name } = this.settings.spec;
    await this.reporter.twins(namespace, name, twins).catch((err) => this.log.debug({ device: this.id, err: (err as Error).message }, 'twin report failed'));
  }

  /** One timer per device at the shortest reportCycle; each property goes out when its own cycle is due. */
  private async reportLoop(signal: AbortSignal): Promise<void> {
    const last = new Map<string, number>();
    while (!signal.aborted) {
      const props = this.settings.spec.properties.filter((p) => p.reportToCloud);
      const tick = Math.min(...props.map((p) => p.reportCycleMs), 1000);
      const now = Date.now();
      const due = props.filter((p) => now - (last.get(p.name) ?? 0) >= p.reportCycleMs - tick / 2);
      for (const p of due) last.set(p.name, now);
      await this.report(due);
      await sleep(tick, signal);
    }
  }

  private async stateLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const sr = this.settings.stateReport;
      if (this.driver && sr.reportToCloud) {
        const s = await this.driver.health().catch((): DeviceState => 'unhealthy');
        await this.setState(s, true);
      }
      await sleep(sr.reportCycleMs, signal);
    }
  }
}
