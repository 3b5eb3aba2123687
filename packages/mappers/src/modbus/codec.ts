import { ApiError } from '@kedge/api';
import type { PropertyType, PropertyValue } from '../sdk/driver.js';
import type { ModbusVisitorConfig } from './config.js';

/**
 * Register bytes ⇄ property values, in the order KubeEdge's modbus mapper uses
 * (mappers-go `mappers/modbus/device/twindata.go` TransferData):
 *   1. isRegisterSwap reverses the order of the 16-bit registers,
 *   2. isSwap swaps the two bytes inside each register,
 *   3. the bytes are decoded big-endian as the data type,
 *   4. the number is multiplied by `scale` (there is no additive offset: `offset` is the address).
 * Integers read for an INT property are truncated toward zero after scaling, as KubeEdge's
 * `strconv.FormatInt(int64(data))` does. KubeEdge's `int` is unsigned of the read width; the
 * sized `int16`/`int32`/`int64` types are two's complement.
 * Writes run the same steps backwards (both swaps are their own inverse).
 */

/** Reverses register order in place (a 32-bit value stored low word first). */
export function swapRegisters(buf: Buffer): Buffer {
  const n = buf.length >> 1;
  for (let i = 0, j = n - 1; i < j; i++, j--) {
    const a = buf.readUInt16BE(i * 2);
    buf.writeUInt16BE(buf.readUInt16BE(j * 2), i * 2);
    buf.writeUInt16BE(a, j * 2);
  }
  return buf;
}

/** Swaps the two bytes inside every register in place. */
export function swapBytes(buf: Buffer): Buffer {
  for (let i = 0; i + 1 < buf.length; i += 2) {
    const b = buf[i]!;
    buf[i] = buf[i + 1]!;
    buf[i + 1] = b;
  }
  return buf;
}

function applySwaps(buf: Buffer, v: ModbusVisitorConfig): Buffer {
  if (v.isRegisterSwap) swapRegisters(buf);
  if (v.isSwap) swapBytes(buf);
  return buf;
}

function isInteger(t: ModbusVisitorConfig['dataType']): boolean {
  return t === 'int' || t.startsWith('int') || t.startsWith('uint');
}

function readRaw(buf: Buffer, t: ModbusVisitorConfig['dataType']): number {
  switch (t) {
    case 'int':
      if (buf.length === 2) return buf.readUInt16BE(0);
      if (buf.length === 4) return buf.readUInt32BE(0);
      return Number(buf.readBigUInt64BE(0));
    case 'int16': return buf.readInt16BE(0);
    case 'uint16': return buf.readUInt16BE(0);
    case 'int32': return buf.readInt32BE(0);
    case 'uint32': return buf.readUInt32BE(0);
    case 'int64': return Number(buf.readBigInt64BE(0));
    case 'uint64': return Number(buf.readBigUInt64BE(0));
    case 'float': case 'float32': return buf.readFloatBE(0);
    default: return buf.readDoubleBE(0);
  }
}

/** Decodes the registers read for one property (`words` as modbus-serial returns them). */
export function decodeRegisters(words: readonly number[], v: ModbusVisitorConfig, type: PropertyType): PropertyValue {
  const buf = Buffer.alloc(words.length * 2);
  words.forEach((w, i) => buf.writeUInt16BE(w & 0xffff, i * 2));
  applySwaps(buf, v);
  if (v.dataType === 'string') return buf.toString('utf8').replace(/\0+$/, '');
  // KubeEdge tests value[0] == 1 on the raw bytes, which is false for a register holding 1
  // (bytes 00 01); kedge reads a boolean register as "the register is not zero".
  if (v.dataType === 'boolean') return buf.readUInt16BE(0) !== 0;
  const scaled = readRaw(buf, v.dataType) * v.scale;
  return isInteger(v.dataType) && type === 'INT' ? Math.trunc(scaled) : scaled;
}

/** Decodes coils / discrete inputs: booleans, or the bits as an unsigned number (first bit = LSB). */
export function decodeBits(bits: readonly boolean[], v: ModbusVisitorConfig, type: PropertyType): PropertyValue {
  const used = bits.slice(0, v.limit);
  if (v.dataType === 'boolean' || type === 'BOOLEAN') return used[0] === true;
  let n = 0;
  for (let i = used.length - 1; i >= 0; i--) n = n * 2 + (used[i] ? 1 : 0);
  if (v.dataType === 'string') return String(n);
  const scaled = n * v.scale;
  return type === 'INT' ? Math.trunc(scaled) : scaled;
}

function bad(property: string, message: string): ApiError {
  return new ApiError('BadRequest', `modbus property ${property}: ${message}`);
}

export function parseBoolean(property: string, value: string): boolean {
  const s = value.trim().toLowerCase();
  if (s === 'true' || s === '1' || s === 'on') return true;
  if (s === 'false' || s === '0' || s === 'off') return false;
  throw bad(property, `desired value ${JSON.stringify(value)} is not a boolean (true/false/1/0/on/off)`);
}

function integerRange(t: ModbusVisitorConfig['dataType'], limit: number): [bigint, bigint] {
  const bits = t === 'int' ? limit * 16 : Number(/\d+/.exec(t)![0]);
  if (t.startsWith('uint') || t === 'int') return [0n, (1n << BigInt(bits)) - 1n];
  return [-(1n << BigInt(bits - 1)), (1n << BigInt(bits - 1)) - 1n];
}

/** Encodes a desired value (the twin's string) into register words to write. */
export function encodeRegisters(property: string, value: string, v: ModbusVisitorConfig): number[] {
  const buf = Buffer.alloc(v.limit * 2);
  if (v.dataType === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length > buf.length) throw bad(property, `desired string is ${bytes.length} bytes; limit ${v.limit} holds ${buf.length}`);
    bytes.copy(buf);
  } else if (v.dataType === 'boolean') {
    buf.writeUInt16BE(parseBoolean(property, value) ? 1 : 0, 0);
  } else {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n)) throw bad(property, `desired value ${JSON.stringify(value)} is not a number`);
    const raw = n / v.scale;
    if (isInteger(v.dataType)) {
      const r = BigInt(Math.round(raw));
      const [lo, hi] = integerRange(v.dataType, v.limit);
      if (r < lo || r > hi) throw bad(property, `desired value ${value} is out of range for ${v.dataType} (${lo}..${hi} before scale ${v.scale})`);
      const u = r < 0n ? r + (1n << BigInt(buf.length * 8)) : r;
      for (let i = buf.length - 1, x = u; i >= 0; i--, x >>= 8n) buf[i] = Number(x & 0xffn);
    } else if (v.dataType === 'float' || v.dataType === 'float32') {
      buf.writeFloatBE(raw, 0);
    } else {
      buf.writeDoubleBE(raw, 0);
    }
  }
  applySwaps(buf, v);
  const words: number[] = [];
  for (let i = 0; i < buf.length; i += 2) words.push(buf.readUInt16BE(i));
  return words;
}
