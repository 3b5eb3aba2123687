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

/** Reconnect policy: init backoff, and how many consecutive failed reads mean the connection is gone. */
export interface Backoff { initialMs: number; maxMs: number; readFailures?: number }

/**
 * One device: driver.init with reconnect backoff, then a collect loop per property, a report loop
 * (ReportDeviceStatus, reported + observedDesired), a state loop (ReportDeviceStates), and desired-value
 * writes for ReadWrite properties. After `readFailures` (default 3) consecutive failed reads the SDK stops the
 * driver, reports the device unhealthy and inits it again with backoff (issue 5: reconnecting is the SDK's
 * job, not each driver's). stop() ends every loop and the driver.
 */
export class DeviceRunner {
  readonly readings = new Map<string, Reading>();
  readonly observedDesired = new Map<string, string>();
  private readonly ctl = new AbortController();
  private driver: Driver | undefined;
  private ready = false;
  private lastState: DeviceState | undefined;
  private done: Promise<void> = Promise.resolve();
  private failedReads = 0;
  private sessionReads = 0;
  private session: AbortController | undefined;
  /** Reports EdgeCore refused (e.g. RESOURCE_EXHAUSTED from the DMI rate limit); each is resent next cycle. */
  reportFailures = 0;
  /** Times the SDK stopped and re-inited the driver after repeated read failures. */
  reconnects = 0;

  constructor(
    public settings: DeviceSettings,
    private readonly factory: DriverFactory,
    private readonly reporter: Reporter,
    private readonly pusher: Pusher,
    private readonly log: Logger,
    private readonly backoff: Backoff = { initialMs: 1000, maxMs: 30_000 },
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

  /** Connect with backoff; serve until the device stops answering; stop the driver and connect again. */
  private async run(): Promise<void> {
    const signal = this.ctl.signal;
    let delay = this.backoff.initialMs;
    while (!signal.aborted) {
      if (!(await this.connect(signal))) return;
      this.failedReads = 0;
      this.sessionReads = 0;
      this.session = new AbortController();
      const session = AbortSignal.any([signal, this.session.signal]);
      this.ready = true;
      await this.setState('ok');
      for (const p of this.settings.spec.properties) if (p.desired !== undefined) await this.write(p);
      await Promise.all([
        ...this.settings.spec.properties.map((p) => this.collectLoop(p.name, session)),
        this.reportLoop(session),
        this.stateLoop(session),
      ]);
      this.ready = false;
      if (signal.aborted) return;
      // A session that read something was a working connection: start the backoff over.
      if (this.sessionReads > 0) delay = this.backoff.initialMs;
      // The session ended because reads kept failing: drop the connection, say so, and connect again.
      this.reconnects++;
      this.log.warn({ device: this.id, failedReads: this.failedReads, retryMs: delay }, 'device stopped answering; reconnecting');
      const d = this.driver;
      this.driver = undefined;
      await d?.stop().catch(() => undefined);
      await this.setState('unhealthy');
      await sleep(delay, signal);
      delay = Math.min(delay * 2, this.backoff.maxMs);
    }
  }

  /** driver.init until it works (true) or the runner stops (false); the device is unhealthy meanwhile. */
  private async connect(signal: AbortSignal): Promise<boolean> {
    let delay = this.backoff.initialMs;
    while (!signal.aborted) {
      this.driver = this.factory.create(this.settings.spec, this.log.child({ device: this.id }));
      try {
        await this.driver.init(signal);
        return !signal.aborted;
      } catch (err) {
        this.log.warn({ device: this.id, err: (err as Error).message, retryMs: delay }, 'device init failed; retrying');
        await this.driver.stop().catch(() => undefined);
        this.driver = undefined;
        await this.setState('unhealthy');
        await sleep(delay, signal);
        delay = Math.min(delay * 2, this.backoff.maxMs);
      }
    }
    return false;
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
        this.failedReads = 0;
        this.sessionReads++;
        void this.pusher.push(this.id, p, value, timestamp);
      } catch (err) {
        this.log.debug({ device: this.id, property: name, err: (err as Error).message }, 'read failed');
        if (++this.failedReads >= (this.backoff.readFailures ?? 3)) this.session?.abort();
      }
      await sleep(p.collectCycleMs, signal);
    }
  }

  /** Sends the latest values; false when EdgeCore refused or was unreachable (the caller resends next cycle). */
  private async report(props: PropertySpec[]): Promise<boolean> {
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
    if (twins.length === 0) return true;
    const { namespace, name } = this.settings.spec;
    try {
      await this.reporter.twins(namespace, name, twins);
      return true;
    } catch (err) {
      this.reportFailures++;
      this.log.debug({ device: this.id, err: (err as Error).message }, 'twin report failed; resending next cycle');
      return false;
    }
  }

  /** One timer per device at the shortest reportCycle; each property goes out when its own cycle is due. */
  private async reportLoop(signal: AbortSignal): Promise<void> {
    const last = new Map<string, number>();
    while (!signal.aborted) {
      const props = this.settings.spec.properties.filter((p) => p.reportToCloud);
      const tick = Math.min(...props.map((p) => p.reportCycleMs), 1000);
      const now = Date.now();
      // A property with nothing read yet is not due: its cycle starts with its first value.
      const due = props.filter((p) => (this.readings.has(p.name) || this.observedDesired.has(p.name))
        && now - (last.get(p.name) ?? 0) >= p.reportCycleMs - tick / 2);
      // Only a delivered report restarts a property's cycle: a refused one (RESOURCE_EXHAUSTED) stays due and
      // its latest value goes out on the next tick.
      if (await this.report(due)) for (const p of due) last.set(p.name, now);
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
