import { ApiError } from '@kedge/api';
import type { PropertyType, PropertyValue } from '../sdk/driver.js';

/**
 * OPC UA built-in type ids (OPC 10000-6 §5.1.2; node-opcua's DataType enum has the same numbers).
 * Kept local so this file does not load node-opcua.
 */
export const UA = {
  Boolean: 1, SByte: 2, Byte: 3, Int16: 4, UInt16: 5, Int32: 6, UInt32: 7, Int64: 8, UInt64: 9,
  Float: 10, Double: 11, String: 12, DateTime: 13, ByteString: 15, LocalizedText: 21,
} as const;

const INT_RANGES: Record<number, [number, number]> = {
  [UA.SByte]: [-128, 127], [UA.Byte]: [0, 255], [UA.Int16]: [-32768, 32767], [UA.UInt16]: [0, 65535],
  [UA.Int32]: [-2147483648, 2147483647], [UA.UInt32]: [0, 4294967295],
  [UA.Int64]: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], [UA.UInt64]: [0, Number.MAX_SAFE_INTEGER],
};

/** node-opcua returns 64-bit integers as [high, low] 32-bit words. */
function int64(v: unknown): number | undefined {
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return v[0] * 2 ** 32 + v[1];
  return undefined;
}

function asString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (v && typeof v === 'object' && 'text' in v) return String((v as { text: unknown }).text ?? '');
  if (v && typeof v === 'object' && typeof (v as { toString: unknown }).toString === 'function' && (v as object).toString !== Object.prototype.toString) return String(v);
  return JSON.stringify(v) ?? '';
}

/** Converts a Variant's value to the property's type. */
export function fromVariant(property: string, type: PropertyType, value: unknown): PropertyValue {
  const wide = int64(value);
  const raw = wide ?? value;
  switch (type) {
    case 'INT':
    case 'FLOAT':
    case 'DOUBLE': {
      const n = typeof raw === 'boolean' ? Number(raw) : raw instanceof Date ? raw.getTime() : Number(raw);
      if (raw === null || raw === undefined || !Number.isFinite(n)) {
        throw new ApiError('BadRequest', `opcua property ${property}: value ${asString(raw)} is not a number (property type ${type})`);
      }
      return type === 'INT' ? Math.trunc(n) : n;
    }
    case 'BOOLEAN':
      if (typeof raw === 'string') return raw.toLowerCase() === 'true';
      return Boolean(raw);
    default:
      return asString(raw);
  }
}

/** Parses a desired value (the twin's string) for a node of built-in type `dataType`. */
export function toVariantValue(property: string, dataType: number, value: string): unknown {
  const s = value.trim();
  const bad = (what: string) => new ApiError('BadRequest', `opcua property ${property}: desired value ${JSON.stringify(value)} ${what}`);
  const range = INT_RANGES[dataType];
  if (range) {
    const n = Number(s);
    if (s === '' || !Number.isInteger(n)) throw bad('is not an integer');
    if (n < range[0] || n > range[1]) throw bad(`is out of range ${range[0]}..${range[1]}`);
    return n;
  }
  switch (dataType) {
    case UA.Boolean: {
      const l = s.toLowerCase();
      if (l === 'true' || l === '1') return true;
      if (l === 'false' || l === '0') return false;
      throw bad('is not a boolean');
    }
    case UA.Float:
    case UA.Double: {
      const n = Number(s);
      if (s === '' || !Number.isFinite(n)) throw bad('is not a number');
      return n;
    }
    case UA.String: return value;
    case UA.LocalizedText: return { text: value };
    case UA.DateTime: {
      const d = new Date(s);
      if (Number.isNaN(d.getTime())) throw bad('is not a date');
      return d;
    }
    case UA.ByteString: return Buffer.from(s, 'base64');
    default:
      throw new ApiError('BadRequest', `opcua property ${property}: writing OPC UA built-in type ${dataType} is not supported`);
  }
}
