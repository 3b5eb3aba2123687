import modbusSerial from 'modbus-serial';
import { ApiError } from '@kedge/api';
import type { Logger } from '@kedge/core';
import type { DeviceSpec, DeviceState, Driver, DriverFactory, PropertySpec, PropertyValue } from '../sdk/driver.js';
import { parseProtocolConfig, parseVisitorConfig, type ModbusProtocolConfig, type ModbusVisitorConfig } from './config.js';
import { decodeBits, decodeRegisters, encodeRegisters, parseBoolean } from './codec.js';

// modbus-serial is CommonJS whose typings say `export default`; at runtime module.exports.default is
// module.exports itself, so `.default` is the client class under both views.
const ModbusRTU = modbusSerial.default;
type ModbusRTU = InstanceType<typeof ModbusRTU>;

/**
 * Modbus TCP driver (issue 5). One TCP connection per device; requests are serialised like KubeEdge's
 * driver does with its deviceMutex, so one slow device cannot interleave frames. A dropped connection
 * makes the read in flight throw; the next request dials again (so every collect cycle is a retry), and
 * init() after stop() dials anew as well.
 */
export class ModbusDriver implements Driver {
  private readonly config: ModbusProtocolConfig;
  private readonly visitors = new Map<string, ModbusVisitorConfig>();
  private client: ModbusRTU | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** True until init() and again after stop(): no re-dialing then. */
  private stopped = true;

  constructor(private readonly device: DeviceSpec, private readonly log: Logger) {
    // Bad config throws here, naming the field, before any connection is attempted.
    this.config = parseProtocolConfig(device.protocol?.configData);
    for (const p of device.properties) this.visitors.set(p.name, parseVisitorConfig(p));
  }

  async init(signal: AbortSignal): Promise<void> {
    await this.closeClient();
    signal.throwIfAborted();
    this.stopped = false;
    await this.dial(signal);
  }

  private async dial(signal: AbortSignal): Promise<void> {
    const client = new ModbusRTU();
    // An unhandled 'error' on the socket would crash the process; the next request reports it instead.
    client.on('error', (err: unknown) => this.log.debug({ err }, 'modbus socket error'));
    client.setTimeout(this.config.timeoutMs);
    try {
      await client.connectTCP(this.config.ip, { port: this.config.port, timeout: this.config.timeoutMs });
    } catch (err) {
      client.close(() => undefined);
      throw new ApiError('ServiceUnavailable', `modbus ${this.config.ip}:${this.config.port}: connect failed: ${(err as Error).message}`, { cause: err });
    }
    client.setID(this.config.slaveID);
    if (signal.aborted) {
      client.close(() => undefined);
      signal.throwIfAborted();
    }
    this.client = client;
    this.log.info({ ip: this.config.ip, port: this.config.port, slaveID: this.config.slaveID }, 'modbus connected');
  }

  read(property: PropertySpec): Promise<PropertyValue> {
    const v = this.visitor(property);
    return this.serial(async (c) => {
      switch (v.register) {
        case 'CoilRegister': return decodeBits((await c.readCoils(v.offset, v.limit)).data, v, property.type);
        case 'DiscreteInputRegister': return decodeBits((await c.readDiscreteInputs(v.offset, v.limit)).data, v, property.type);
        case 'HoldingRegister': return decodeRegisters((await c.readHoldingRegisters(v.offset, v.limit)).data, v, property.type);
        case 'InputRegister': return decodeRegisters((await c.readInputRegisters(v.offset, v.limit)).data, v, property.type);
      }
    });
  }

  async write(property: PropertySpec, value: string): Promise<void> {
    const v = this.visitor(property);
    if (v.register === 'InputRegister' || v.register === 'DiscreteInputRegister') {
      throw new ApiError('MethodNotAllowed', `modbus property ${property.name}: visitor register ${v.register} is read-only; only HoldingRegister and CoilRegister can be written`);
    }
    if (v.register === 'CoilRegister') {
      const on = parseBoolean(property.name, value);
      await this.serial((c) => c.writeCoil(v.offset, on));
      return;
    }
    const words = encodeRegisters(property.name, value, v);
    await this.serial(async (c) => {
      // FC6 for one register (what KubeEdge's driver sends), FC16 for wider values.
      if (words.length === 1) await c.writeRegister(v.offset, words[0]!);
      else await c.writeRegisters(v.offset, words);
    });
  }

  async health(): Promise<DeviceState> {
    return this.client?.isOpen ? 'ok' : 'offline';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.closeClient();
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    // close()'s callback never fires when the peer already dropped the socket, so do not wait on a
    // dead connection, and bound the wait on a live one.
    if (!client.isOpen) {
      client.destroy(() => undefined);
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { client.destroy(() => undefined); resolve(); }, 1000);
      try {
        client.close(() => { clearTimeout(timer); resolve(); });
      } catch {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private visitor(property: PropertySpec): ModbusVisitorConfig {
    let v = this.visitors.get(property.name);
    if (!v) {
      v = parseVisitorConfig(property);
      this.visitors.set(property.name, v);
    }
    return v;
  }

  /** Runs one request at a time on the current connection. */
  private serial<T>(fn: (c: ModbusRTU) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      try {
        if ((!this.client || !this.client.isOpen) && !this.stopped) {
          // The device dropped the connection: dial again here, so each collect cycle is one retry
          // even when the SDK keeps reading instead of calling init() again.
          await this.closeClient();
          await this.dial(AbortSignal.timeout(this.config.timeoutMs * 2));
        }
        const c = this.client;
        if (!c || !c.isOpen) throw new ApiError('ServiceUnavailable', `modbus ${this.config.ip}:${this.config.port}: not connected`);
        return await fn(c);
      } catch (err) {
        if ((err as { isApiError?: boolean }).isApiError) throw err;
        throw new ApiError('ServiceUnavailable', `modbus ${this.config.ip}:${this.config.port}: ${(err as Error).message ?? String(err)}`, { cause: err });
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

export const modbusFactory: DriverFactory = {
  protocol: 'modbus',
  create: (device, log) => new ModbusDriver(device, log.child({ driver: 'modbus', device: `${device.namespace}/${device.name}` })),
};
