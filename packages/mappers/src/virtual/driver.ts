import type { Logger } from '@kedge/core';
import type { DeviceSpec, DeviceState, Driver, DriverFactory, PropertySpec, PropertyValue } from '../sdk/driver.js';

/** Visitor configData of a virtual property. */
export interface VirtualVisitor {
  kind: 'counter' | 'random' | 'sine';
  min: number;
  max: number;
  periodSeconds: number;
  step: number;
}

const num = (v: unknown, field: string, dflt: number): number => {
  if (v === undefined || v === null || v === '') return dflt;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw new Error(`${field}: ${JSON.stringify(v)} is not a number`);
  return n;
};

/** Parses `visitors.configData`; errors name the field. */
export function parseVirtualVisitor(p: PropertySpec): VirtualVisitor {
  const c = p.visitors.configData ?? {};
  const where = `properties[${p.name}].visitors.configData`;
  const kind = c.kind ?? 'counter';
  if (kind !== 'counter' && kind !== 'random' && kind !== 'sine') throw new Error(`${where}.kind: must be counter, random or sine, got ${JSON.stringify(kind)}`);
  const v: VirtualVisitor = {
    kind,
    min: num(c.min, `${where}.min`, 0),
    max: num(c.max, `${where}.max`, 100),
    periodSeconds: num(c.periodSeconds, `${where}.periodSeconds`, 60),
    step: num(c.step, `${where}.step`, 1),
  };
  if (v.max < v.min) throw new Error(`${where}.max: ${v.max} is below min ${v.min}`);
  if (v.periodSeconds <= 0) throw new Error(`${where}.periodSeconds: must be positive`);
  return v;
}

function typed(p: PropertySpec, x: number): PropertyValue {
  switch (p.type) {
    case 'INT': return Math.round(x);
    case 'BOOLEAN': return x >= 0.5;
    case 'STRING': case 'BYTES': case 'STREAM': return String(Number(x.toFixed(3)));
    default: return Number(x.toFixed(3));
  }
}

function parseWritten(p: PropertySpec, value: string): PropertyValue {
  if (p.type === 'INT' || p.type === 'FLOAT' || p.type === 'DOUBLE') {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new Error(`${p.name}: ${JSON.stringify(value)} is not a number`);
    return p.type === 'INT' ? Math.trunc(n) : n;
  }
  if (p.type === 'BOOLEAN') {
    if (value !== 'true' && value !== 'false') throw new Error(`${p.name}: ${JSON.stringify(value)} is not true or false`);
    return value === 'true';
  }
  return value;
}

/**
 * A device that exists only in memory, for demos and tests: counter (min..max by step, wrapping), random
 * (uniform in min..max) or sine (min..max over periodSeconds). A ReadWrite property returns what was last
 * written, so a desired value round-trips to reported.
 */
export class VirtualDriver implements Driver {
  private readonly visitors = new Map<string, VirtualVisitor>();
  private readonly counters = new Map<string, number>();
  private readonly written = new Map<string, PropertyValue>();
  private connected = false;

  constructor(private readonly device: DeviceSpec, private readonly start = Date.now()) {}

  async init(): Promise<void> {
    // Validate every property up front, so a bad visitor is reported instead of failing each read.
    for (const p of this.device.properties) this.visitors.set(p.name, parseVirtualVisitor(p));
    if (this.device.protocol.configData?.failInit === true) throw new Error('protocol.configData.failInit: set, refusing to connect');
    this.connected = true;
  }

  async read(p: PropertySpec): Promise<PropertyValue> {
    if (!this.connected) throw new Error('not connected');
    if (this.written.has(p.name)) return this.written.get(p.name)!;
    const v = this.visitors.get(p.name) ?? parseVirtualVisitor(p);
    switch (v.kind) {
      case 'counter': {
        const prev = this.counters.get(p.name);
        let next = prev === undefined ? v.min : prev + v.step;
        if (next > v.max) next = v.min;
        this.counters.set(p.name, next);
        return typed(p, next);
      }
      case 'random': return typed(p, v.min + Math.random() * (v.max - v.min));
      case 'sine': {
        const phase = ((Date.now() - this.start) / 1000 / v.periodSeconds) * 2 * Math.PI;
        return typed(p, v.min + ((Math.sin(phase) + 1) / 2) * (v.max - v.min));
      }
    }
  }

  async write(p: PropertySpec, value: string): Promise<void> {
    if (p.accessMode !== 'ReadWrite') throw new Error(`${p.name}: property is ReadOnly`);
    this.written.set(p.name, parseWritten(p, value));
  }

  async health(): Promise<DeviceState> {
    return this.connected ? 'ok' : 'offline';
  }

  async stop(): Promise<void> {
    this.connected = false;
  }
}

export const virtualFactory: DriverFactory = {
  protocol: 'virtual',
  create: (device: DeviceSpec, _log: Logger) => new VirtualDriver(device),
};
