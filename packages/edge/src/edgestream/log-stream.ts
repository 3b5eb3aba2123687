import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { sleep } from '@kedge/core';
import { LineSplitter, LogFormatter, parseCriLogLine, sinceMillis } from './cri-log.js';
import type { LogOptions } from '@kedge/core/stream-tunnel/index.js';

const CHUNK = 64 * 1024;

export interface LogStreamOptions extends LogOptions {
  /** With `follow`: is the container still running? Following ends once it is not and the file is drained. */
  stillRunning?: () => Promise<boolean>;
  /** How often a followed file is checked for growth (default 200 ms). */
  pollMs?: number;
}

/** Whether a raw log line completes a logical line (a `P` line continues in the next one). */
function isWhole(line: Buffer): boolean {
  const r = parseCriLogLine(line.toString('latin1'));
  return r !== undefined && !r.partial;
}

/**
 * Where to start reading so that exactly `n` logical lines follow, scanning backwards from the end as
 * kubelet's tail does (pkg/kubelet/kuberuntime/logs FindTailLineStartIndex), partial lines kept with
 * the line they belong to.
 */
export async function tailOffset(fh: FileHandle, size: number, n: number): Promise<number> {
  if (n <= 0) return size;
  let pos = size;
  let carry = Buffer.alloc(0);
  let whole = 0;
  while (pos > 0) {
    const len = Math.min(CHUNK, pos);
    pos -= len;
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, pos);
    const data = Buffer.concat([buf, carry]);
    let end = data.length;
    for (let i = data.length - 1; i >= 0; i--) {
      if (data[i] !== 0x0a) continue;
      if (i + 1 < end && isWhole(data.subarray(i + 1, end))) {
        whole++;
        // This is the (n+1)-th line from the end: the answer starts right after it.
        if (whole > n) return pos + end + 1;
      }
      end = i;
    }
    carry = data.subarray(0, end);
  }
  return 0;
}

/**
 * Streams a CRI log file as `kubectl logs` shows it. `write` may wait (flow control); the stream ends
 * at the end of the file, or with `follow` when the container stops or `signal` aborts.
 */
export async function streamLogFile(path: string, o: LogStreamOptions, write: (chunk: Buffer) => Promise<void>, signal: AbortSignal): Promise<void> {
  const fmt = new LogFormatter({ ...(o.timestamps ? { timestamps: true } : {}), since: sinceMillis(o), ...(o.limitBytes !== undefined ? { limitBytes: o.limitBytes } : {}) });
  const fh = await open(path, 'r');
  try {
    let pos = o.tailLines !== undefined && o.tailLines >= 0 ? await tailOffset(fh, (await fh.stat()).size, o.tailLines) : 0;
    const decoder = new StringDecoder('utf8');
    const lines = new LineSplitter();
    const buf = Buffer.alloc(CHUNK);
    /** Reads to the current end of the file; false once limitBytes is reached or the caller went away. */
    const drain = async (): Promise<boolean> => {
      for (;;) {
        if (signal.aborted) return false;
        const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
        if (bytesRead === 0) return true;
        pos += bytesRead;
        const out = fmt.push(lines.push(decoder.write(buf.subarray(0, bytesRead))));
        if (out.length) await write(out);
        if (fmt.full) return false;
      }
    };
    if (!(await drain()) || !o.follow) return;
    let polls = 0;
    const pollMs = o.pollMs ?? 200;
    for (;;) {
      await sleep(pollMs, signal);
      if (signal.aborted) return;
      const size = (await fh.stat()).size;
      if (size > pos) {
        if (!(await drain())) return;
        continue;
      }
      // About once a second: a stopped container writes nothing more, so the follow is over (kubelet does the same).
      if (++polls % Math.max(1, Math.round(1000 / pollMs)) === 0 && o.stillRunning && !(await o.stillRunning())) {
        await drain();
        return;
      }
    }
  } finally {
    await fh.close();
  }
}
