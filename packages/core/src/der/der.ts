// A minimal DER (X.690) reader/writer: just enough to read a PKCS#10 request and write an X.509 v3
// leaf without the general-purpose ASN.1 object model, which dominated certificate issuance time.

export const TAG = {
  BOOLEAN: 0x01, INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, OID: 0x06, UTF8: 0x0c,
  PRINTABLE: 0x13, T61: 0x14, IA5: 0x16, UTC_TIME: 0x17, GENERALIZED_TIME: 0x18, BMP: 0x1e,
  SEQUENCE: 0x30, SET: 0x31,
} as const;

/** One TLV: `start` is the first header byte, `body`..`end` the contents. */
export interface Tlv {
  tag: number;
  start: number;
  body: number;
  end: number;
}

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

export const seq = (...parts: Uint8Array[]): Buffer => tlv(TAG.SEQUENCE, ...parts);

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(TAG.OID, Buffer.from(out));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; always seconds and Z. */
export function time(d: Date): Buffer {
  const iso = d.toISOString();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z';
  const year = d.getUTCFullYear();
  return year < 2050 ? tlv(TAG.UTC_TIME, Buffer.from(digits.slice(2), 'latin1')) : tlv(TAG.GENERALIZED_TIME, Buffer.from(digits, 'latin1'));
}

/** Reads the TLV at `at`, bounded by `limit`; throws on anything malformed or indefinite-length. */
export function read(buf: Uint8Array, at: number, limit = buf.length): Tlv {
  if (at + 2 > limit) throw new Error('truncated DER');
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte DER tags are not supported');
  let n = buf[at + 1]!;
  let body = at + 2;
  if (n & 0x80) {
    const count = n & 0x7f;
    if (count === 0 || count > 4 || body + count > limit) throw new Error('bad DER length');
    n = 0;
    for (let i = 0; i < count; i++) n = n * 256 + buf[body + i]!;
    body += count;
  }
  const end = body + n;
  if (end > limit) throw new Error('truncated DER');
  return { tag, start: at, body, end };
}

/** The TLVs directly inside a constructed value. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.body; at < parent.end;) {
    const t = read(buf, at, parent.end);
    out.push(t);
    at = t.end;
  }
  return out;
}

export function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new Error(`expected ${what}`);
  return t;
}

export const bytes = (buf: Uint8Array, t: Tlv): Buffer => Buffer.from(buf.buffer, buf.byteOffset + t.start, t.end - t.start);
export const content = (buf: Uint8Array, t: Tlv): Buffer => Buffer.from(buf.buffer, buf.byteOffset + t.body, t.end - t.body);

/** A directory string's text (the string types RFC 5280 allows in names, plus IA5 for emails). */
export function text(buf: Uint8Array, t: Tlv): string {
  const c = content(buf, t);
  switch (t.tag) {
    case TAG.UTF8: return c.toString('utf8');
    case TAG.PRINTABLE: case TAG.IA5: case TAG.T61: return c.toString('latin1');
    case TAG.BMP: return Buffer.from(c).swap16().toString('utf16le');
    default: throw new Error(`unsupported string type 0x${t.tag.toString(16)}`);
  }
}
