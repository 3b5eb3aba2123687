import type { DmiAny } from './types.js';

/**
 * configData values travel as google.protobuf.Any holding a wrapper (StringValue, Int64Value, FloatValue,
 * BoolValue, ...): KubeEdge's mapper-framework decodes exactly those (common.DecodeAnyValue) and skips
 * other types. Encoded by hand so @kedge/api needs no protobuf library: a wrapper is one field, number 1.
 */

const WRAPPER = 'type.googleapis.com/google.protobuf.';
/** Objects and arrays have no wrapper; kedge sends them as JSON under its own type (Go mappers skip it). */
export const JSON_ANY_TYPE = 'type.googleapis.com/kedge.io.JSONValue';

const enc = new TextEncoder();
const dec = new TextDecoder();

function varint(v: bigint): number[] {
  let x = BigInt.asUintN(64, v);
  const out: number[] = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}

const lengthDelimited = (bytes: Uint8Array): Uint8Array =>
  bytes.length === 0 ? new Uint8Array(0) : Uint8Array.from([0x0a, ...varint(BigInt(bytes.length)), ...bytes]);

/** A JSON value (from a CRD's configData) as Any. Integers become Int64Value, other numbers FloatValue. */
export function valueToAny(v: unknown): DmiAny {
  if (typeof v === 'string') return { type_url: `${WRAPPER}StringValue`, value: lengthDelimited(enc.encode(v)) };
  if (typeof v === 'boolean') return { type_url: `${WRAPPER}BoolValue`, value: v ? Uint8Array.from([0x08, 1]) : new Uint8Array(0) };
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    return { type_url: `${WRAPPER}Int64Value`, value: v === 0 ? new Uint8Array(0) : Uint8Array.from([0x08, ...varint(BigInt(v))]) };
  }
  if (typeof v === 'number' && Number.isFinite(v)) {
    const b = new Uint8Array(5);
    b[0] = 0x0d;
    new DataView(b.buffer).setFloat32(1, v, true);
    return { type_url: `${WRAPPER}FloatValue`, value: b };
  }
  return { type_url: JSON_ANY_TYPE, value: enc.encode(JSON.stringify(v ?? null)) };
}

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  done(): boolean { return this.pos >= this.b.length; }
  varint(): bigint {
    let x = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (this.pos >= this.b.length || shift > 63n) throw new Error('truncated varint');
      const byte = this.b[this.pos++]!;
      x |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return x;
    }
  }
  take(n: number): Uint8Array {
    if (this.pos + n > this.b.length) throw new Error('truncated field');
    const s = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

/** Field 1 of a wrapper message, whatever its wire type; undefined when absent (the proto3 default). */
function wrapperField(bytes: Uint8Array): { wire: number; varint?: bigint; raw?: Uint8Array } | undefined {
  const r = new Reader(bytes);
  let found: { wire: number; varint?: bigint; raw?: Uint8Array } | undefined;
  while (!r.done()) {
    const tag = Number(r.varint());
    const field = tag >>> 3;
    const wire = tag & 7;
    let cur: { wire: number; varint?: bigint; raw?: Uint8Array };
    if (wire === 0) cur = { wire, varint: r.varint() };
    else if (wire === 1) cur = { wire, raw: r.take(8) };
    else if (wire === 2) cur = { wire, raw: r.take(Number(r.varint())) };
    else if (wire === 5) cur = { wire, raw: r.take(4) };
    else throw new Error(`unsupported wire type ${wire}`);
    if (field === 1) found = cur;
  }
  return found;
}

const view = (raw: Uint8Array): DataView => new DataView(raw.buffer, raw.byteOffset, raw.byteLength);

/** Any → JSON value. Throws for a type it cannot read (callers skip that key, as mapper-framework does). */
export function anyToValue(a: DmiAny): unknown {
  const type = a.type_url.slice(a.type_url.lastIndexOf('/') + 1);
  const bytes = a.value ?? new Uint8Array(0);
  if (a.type_url === JSON_ANY_TYPE) return JSON.parse(dec.decode(bytes));
  const f = wrapperField(bytes);
  switch (type) {
    case 'google.protobuf.StringValue': return f?.raw ? dec.decode(f.raw) : '';
    case 'google.protobuf.BytesValue': return f?.raw ? dec.decode(f.raw) : '';
    case 'google.protobuf.BoolValue': return f?.varint !== undefined && f.varint !== 0n;
    case 'google.protobuf.Int32Value': return f?.varint !== undefined ? Number(BigInt.asIntN(32, f.varint)) : 0;
    case 'google.protobuf.Int64Value': return f?.varint !== undefined ? Number(BigInt.asIntN(64, f.varint)) : 0;
    case 'google.protobuf.UInt32Value':
    case 'google.protobuf.UInt64Value': return f?.varint !== undefined ? Number(f.varint) : 0;
    // float32 carries ~7 significant digits; trimming the rest gives back the number that was written.
    case 'google.protobuf.FloatValue': return f?.raw ? Number(view(f.raw).getFloat32(0, true).toPrecision(7)) : 0;
    case 'google.protobuf.DoubleValue': return f?.raw ? view(f.raw).getFloat64(0, true) : 0;
    default: throw new Error(`unsupported Any type ${a.type_url}`);
  }
}

/** `{k: value}` → CustomizedValue.data. */
export function toCustomizedValue(obj: Record<string, unknown> | undefined): { data: Record<string, DmiAny> } {
  const data: Record<string, DmiAny> = {};
  for (const [k, v] of Object.entries(obj ?? {})) data[k] = valueToAny(v);
  return { data };
}

/** CustomizedValue.data → `{k: value}`; keys whose type cannot be read are left out and named in `skipped`. */
export function fromCustomizedValue(cv: { data?: Record<string, DmiAny> } | null | undefined, skipped: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, a] of Object.entries(cv?.data ?? {})) {
    try {
      out[k] = anyToValue(a);
    } catch {
      skipped.push(k);
    }
  }
  return out;
}
