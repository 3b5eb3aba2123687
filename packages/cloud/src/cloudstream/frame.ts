/**
 * The stream tunnel's wire format: each WebSocket binary message is `uvarint sessionId · u8 type ·
 * payload`. The edge end is @kedge/edge's edgestream/frame.ts (it documents every type; the cloud may not
 * import the edge package, so the codec is written on both sides and the e2e tests run them together).
 */
export const FrameType = { Open: 0, Data: 1, Close: 2, Error: 3, Ready: 4, Window: 5 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** Bytes of Data a sender may have in flight per session before it waits for Window credit. */
export const SESSION_WINDOW = 256 * 1024;

export interface Frame {
  id: number;
  type: FrameType;
  payload: Buffer;
}

export function encodeUvarint(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`uvarint out of range: ${n}`);
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}

export function decodeUvarint(buf: Buffer, offset = 0): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = offset; i < buf.length && i < offset + 8; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
    scale *= 0x80;
  }
  throw new RangeError('truncated or oversized uvarint');
}

export function encodeFrame(id: number, type: FrameType, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  return Buffer.concat([encodeUvarint(id), Buffer.from([type]), typeof payload === 'string' ? Buffer.from(payload) : payload]);
}

export function decodeFrame(buf: Buffer): Frame {
  const { value: id, next } = decodeUvarint(buf);
  if (next >= buf.length) throw new RangeError('frame without a type');
  const type = buf[next]!;
  if (type > FrameType.Window) throw new RangeError(`unknown frame type ${type}`);
  return { id, type: type as FrameType, payload: buf.subarray(next + 1) };
}
