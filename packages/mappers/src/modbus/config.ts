import { ApiError } from '@kedge/api';
import type { PropertySpec, PropertyType } from '../sdk/driver.js';

/**
 * Device and visitor configData of KubeEdge's modbus mapper (mappers-go `kubeedge-v1.15.0/modbus`
 * driver/devicetype.go `ConfigData`/`VisitorConfigData`, and the v1beta1 Device examples that carry
 * `ip`/`port`/`slaveID`). YAML written for that mapper parses here unchanged; numbers may be quoted.
 */

export type RegisterKind = 'HoldingRegister' | 'InputRegister' | 'CoilRegister' | 'DiscreteInputRegister';

/** Wire representations. `int`/`float`/`double`/`boolean`/`string` are KubeEdge's names; the sized ones are kedge's. */
export type ModbusDataType =
  | 'int' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'float' | 'float32' | 'double' | 'float64' | 'boolean' | 'string';

export interface ModbusProtocolConfig {
  ip: string;
  port: number;
  slaveID: number;
  /** Per-request and connect timeout in ms. */
  timeoutMs: number;
}

export interface ModbusVisitorConfig {
  register: RegisterKind;
  /** Register (or coil) address — KubeEdge's `offset` is the start address, not an additive offset. */
  offset: number;
  /** Number of 16-bit registers (or coils) to read. */
  limit: number;
  scale: number;
  isSwap: boolean;
  isRegisterSwap: boolean;
  dataType: ModbusDataType;
}

const REGISTERS: readonly RegisterKind[] = ['HoldingRegister', 'InputRegister', 'CoilRegister', 'DiscreteInputRegister'];
const DATA_TYPES: readonly ModbusDataType[] = ['int', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float', 'float32', 'double', 'float64', 'boolean', 'string'];

/** Registers a data type occupies; undefined = needs an explicit `limit` (string) or depends on it (int). */
export function registerWidth(t: ModbusDataType): number | undefined {
  switch (t) {
    case 'int16': case 'uint16': case 'boolean': return 1;
    case 'int32': case 'uint32': case 'float': case 'float32': return 2;
    case 'int64': case 'uint64': case 'double': case 'float64': return 4;
    default: return undefined;
  }
}

function invalid(field: string, message: string): ApiError {
  return new ApiError('Invalid', `modbus ${field}: ${message}`);
}

function num(data: Record<string, unknown>, key: string, field: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  const raw = data[key];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : Number.NaN;
  if (!Number.isFinite(n)) throw invalid(field, `must be a number, got ${JSON.stringify(raw)}`);
  if (opts.integer && !Number.isInteger(n)) throw invalid(field, `must be an integer, got ${n}`);
  if (opts.min !== undefined && n < opts.min) throw invalid(field, `must be >= ${opts.min}, got ${n}`);
  if (opts.max !== undefined && n > opts.max) throw invalid(field, `must be <= ${opts.max}, got ${n}`);
  return n;
}

function bool(data: Record<string, unknown>, key: string, field: string): boolean {
  const raw = data[key];
  if (raw === undefined || raw === null || raw === '') return false;
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw invalid(field, `must be true or false, got ${JSON.stringify(raw)}`);
}

function str(data: Record<string, unknown>, key: string, field: string): string | undefined {
  const raw = data[key];
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' && typeof raw !== 'number') throw invalid(field, `must be a string, got ${JSON.stringify(raw)}`);
  return String(raw).trim();
}

/**
 * KubeEdge passes `timeout` straight into a Go time.Duration (nanoseconds); kedge reads milliseconds.
 * Values above an hour can only be nanoseconds, so those are converted instead of waiting for days.
 */
function timeoutMs(data: Record<string, unknown>): number {
  const t = num(data, 'timeout', 'protocol.configData.timeout', { min: 0 });
  if (t === undefined || t === 0) return 5000;
  return t > 3_600_000 ? Math.max(1, Math.round(t / 1e6)) : t;
}

export function parseProtocolConfig(configData: Record<string, unknown> | undefined): ModbusProtocolConfig {
  const data = configData ?? {};
  const mode = str(data, 'communicateMode', 'protocol.configData.communicateMode');
  if (mode !== undefined && mode.toUpperCase() !== 'TCP') {
    throw invalid('protocol.configData.communicateMode', `${JSON.stringify(mode)} is not supported; kedge's modbus mapper speaks Modbus TCP only (communicateMode: TCP)`);
  }
  if (mode === undefined && data['serialPort'] !== undefined && data['ip'] === undefined) {
    throw invalid('protocol.configData.serialPort', 'Modbus RTU (serial) is not supported; set ip and port for Modbus TCP');
  }
  const ip = str(data, 'ip', 'protocol.configData.ip');
  if (!ip) throw invalid('protocol.configData.ip', 'is required (the Modbus TCP device address)');
  const port = num(data, 'port', 'protocol.configData.port', { min: 1, max: 65535, integer: true }) ?? 502;
  // Modbus TCP unit identifiers are one byte; Go's zero value (field absent) means unit 1 in practice.
  const slaveID = num(data, 'slaveID', 'protocol.configData.slaveID', { min: 0, max: 255, integer: true }) ?? 1;
  return { ip, port, slaveID, timeoutMs: timeoutMs(data) };
}

function defaultDataType(type: PropertyType): ModbusDataType {
  switch (type) {
    case 'FLOAT': return 'float';
    case 'DOUBLE': return 'double';
    case 'BOOLEAN': return 'boolean';
    case 'STRING': return 'string';
    default: return 'int';
  }
}

export function parseVisitorConfig(property: Pick<PropertySpec, 'name' | 'type' | 'visitors'>): ModbusVisitorConfig {
  const data = property.visitors?.configData ?? {};
  const at = (k: string): string => `properties[${property.name}].visitors.configData.${k}`;
  const regRaw = str(data, 'register', at('register'));
  const register = REGISTERS.find((r) => r.toLowerCase() === regRaw?.toLowerCase());
  if (!register) throw invalid(at('register'), `must be one of ${REGISTERS.join(', ')}, got ${JSON.stringify(data['register'] ?? null)}`);
  const offset = num(data, 'offset', at('offset'), { min: 0, max: 65535, integer: true }) ?? 0;
  // KubeEdge lower-cases dataType before use (device/devicetwin.go), so "Float" and "float" are the same.
  const dtRaw = str(data, 'dataType', at('dataType'))?.toLowerCase();
  let dataType: ModbusDataType;
  if (dtRaw === undefined) dataType = defaultDataType(property.type);
  else {
    const found = DATA_TYPES.find((d) => d === dtRaw);
    if (!found) throw invalid(at('dataType'), `must be one of ${DATA_TYPES.join(', ')}, got ${JSON.stringify(data['dataType'])}`);
    dataType = found;
  }
  const bitRegister = register === 'CoilRegister' || register === 'DiscreteInputRegister';
  let limit = num(data, 'limit', at('limit'), { min: 0, max: 125, integer: true });
  if (limit === undefined || limit === 0) {
    // Go's zero value means "not set": use the width the data type needs.
    limit = bitRegister ? 1 : registerWidth(dataType);
    if (limit === undefined && dataType === 'int') limit = 1;
    if (limit === undefined) throw invalid(at('limit'), `is required for dataType ${dataType} (number of registers to read)`);
  }
  if (!bitRegister) {
    const width = registerWidth(dataType);
    if (width !== undefined && dataType !== 'boolean' && width !== limit) {
      throw invalid(at('limit'), `dataType ${dataType} needs limit ${width} (16-bit registers), got ${limit}`);
    }
    if (dataType === 'int' && ![1, 2, 4].includes(limit)) throw invalid(at('limit'), `dataType int reads 1, 2 or 4 registers, got ${limit}`);
  }
  // Absent or 0 (Go's zero value) means no scaling.
  const scaleRaw = num(data, 'scale', at('scale'));
  const scale = scaleRaw === undefined || scaleRaw === 0 ? 1 : scaleRaw;
  return {
    register, offset, limit, scale, dataType,
    isSwap: bool(data, 'isSwap', at('isSwap')),
    isRegisterSwap: bool(data, 'isRegisterSwap', at('isRegisterSwap')),
  };
}
