import type { PodExecOptions, PodLogOptions } from '@kedge/api';

/**
 * The stream tunnel's wire format (kedge's, modelled on KubeEdge's stream tunnel, kubeedge-reference.md
 * §7): every WebSocket binary message is one frame `uvarint sessionId · u8 type · payload`. The cloud
 * allocates session ids. It lives in core because both ends use it: cloudstream (CloudCore) and edgestream
 * (EdgeCore), and the edge may not import the cloud.
 */
export const FrameType = {
  /** cloud → edge: payload JSON {@link OpenRequest}. */
  Open: 0,
  /** Bytes of the session: log text, or exec channel frames `u8 channel · data` (k8s channel numbering). */
  Data: 1,
  /** Either side: the session is over (no payload). */
  Close: 2,
  /** edge → cloud: payload a Kubernetes Status JSON; ends the session. */
  Error: 3,
  /** edge → cloud: the session's source is open (logs: the HTTP 200 may be written now). */
  Ready: 4,
  /** Flow control: payload uvarint N, the receiver delivered N more bytes of Data (credit returned). */
  Window: 5,
} as const;
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

/** Decodes a uvarint at `offset`; returns the value and the offset after it. */
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
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([encodeUvarint(id), Buffer.from([type]), body]);
}

export function decodeFrame(buf: Buffer): Frame {
  const { value: id, next } = decodeUvarint(buf);
  if (next >= buf.length) throw new RangeError('frame without a type');
  const type = buf[next]!;
  if (type > FrameType.Window) throw new RangeError(`unknown frame type ${type}`);
  return { id, type: type as FrameType, payload: buf.subarray(next + 1) };
}

/** What the cloud asks of the edge when it opens a session. */
export type OpenRequest =
  | { kind: 'logs'; pod: PodRef; opts: LogOptions }
  | { kind: 'exec'; pod: PodRef; opts: ExecOptions };

export interface PodRef {
  namespace: string;
  name: string;
  /** The pod's uid when known (from the API); edge-local callers may leave it out. */
  uid?: string;
}

/** pods/log and pods/exec options travel as the API server parsed them (@kedge/api). */
export type LogOptions = PodLogOptions;
export type ExecOptions = PodExecOptions;
