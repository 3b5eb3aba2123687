import { badRequest } from '@kedge/api';
import type { LogOptions } from '@kedge/core/stream-tunnel/index.js';

/** One line of a CRI log file: `<RFC3339Nano> <stdout|stderr> <P|F> <content>` (CRI logging spec). */
export interface CriLogRecord {
  time: string;
  stream: string;
  partial: boolean;
  content: string;
}

export function parseCriLogLine(line: string): CriLogRecord | undefined {
  const a = line.indexOf(' ');
  const b = a < 0 ? -1 : line.indexOf(' ', a + 1);
  if (b < 0) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  // Older runtimes wrote no tag; such lines are whole.
  const c = line.indexOf(' ', b + 1);
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  if (tag === 'P' || tag === 'F') return { time: line.slice(0, a), stream, partial: tag === 'P', content: c < 0 ? '' : line.slice(c + 1) };
  return { time: line.slice(0, a), stream, partial: false, content: line.slice(b + 1) };
}

/** Milliseconds since the epoch of an RFC 3339 time; the since* options have at most second precision. */
function millis(rfc3339: string): number {
  return Date.parse(rfc3339);
}

/** The earliest record time to show, from sinceSeconds / sinceTime (kubelet checks both are not set). */
export function sinceMillis(o: LogOptions, now = Date.now()): number | undefined {
  if (o.sinceSeconds !== undefined && o.sinceTime !== undefined) throw badRequest('at most one of sinceTime or sinceSeconds may be specified');
  if (o.sinceSeconds !== undefined) {
    if (o.sinceSeconds < 1) throw badRequest('sinceSeconds: must be greater than 0');
    return now - o.sinceSeconds * 1000;
  }
  if (o.sinceTime !== undefined) {
    const t = millis(o.sinceTime);
    if (Number.isNaN(t)) throw badRequest(`sinceTime: invalid RFC 3339 time "${o.sinceTime}"`);
    return t;
  }
  return undefined;
}

/**
 * Turns CRI log lines into what `kubectl logs` prints: partial lines joined into one, the first part's
 * timestamp in front when asked (kubelet prints `<RFC3339Nano> <text>`), records before `since` dropped,
 * and output cut at `limitBytes`.
 */
export class LogFormatter {
  private pending: CriLogRecord | undefined;
  private written = 0;
  constructor(private readonly o: { timestamps?: boolean; since?: number; limitBytes?: number }) {}

  /** True once limitBytes is reached: nothing more will be produced. */
  get full(): boolean {
    return this.o.limitBytes !== undefined && this.written >= this.o.limitBytes;
  }

  /** Formats whole lines (without their trailing newline); returns the bytes to send. */
  push(lines: string[]): Buffer {
    const out: string[] = [];
    for (const line of lines) {
      const r = parseCriLogLine(line);
      if (!r) continue;
      if (r.partial) {
        this.pending = this.pending ? { ...this.pending, content: this.pending.content + r.content } : r;
        continue;
      }
      const whole = this.pending ? { ...this.pending, content: this.pending.content + r.content } : r;
      this.pending = undefined;
      if (this.o.since !== undefined && millis(whole.time) < this.o.since) continue;
      out.push(this.o.timestamps ? `${whole.time} ${whole.content}\n` : `${whole.content}\n`);
    }
    return this.limit(Buffer.from(out.join('')));
  }

  private limit(buf: Buffer): Buffer {
    if (this.o.limitBytes === undefined) {
      this.written += buf.length;
      return buf;
    }
    const room = Math.max(0, this.o.limitBytes - this.written);
    const cut = buf.length > room ? buf.subarray(0, room) : buf;
    this.written += cut.length;
    return cut;
  }
}

/** Splits a chunk stream into lines; keeps the unterminated rest for the next chunk. */
export class LineSplitter {
  private rest = '';
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines;
  }
}
