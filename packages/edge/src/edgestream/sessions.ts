import { ApiError, isApiError } from '@kedge/api';
import type { Logger } from '@kedge/core';
import type { CriClient } from '../cri/index.js';
import { Credit } from './credit.js';
import { Channel, openExec, type ExecSession } from './exec-relay.js';
import { encodeFrame, encodeUvarint, decodeUvarint, FrameType, SESSION_WINDOW, type Frame, type OpenRequest } from '@kedge/core/stream-tunnel/index.js';
import { podLogs } from './pod-logs.js';

interface Session {
  abort: AbortController;
  credit: Credit;
  /** Exec only: set once the runtime's stream is open; client input waits for it. */
  exec?: Promise<ExecSession | undefined>;
  input: Promise<void>;
}

export interface SessionHostOptions {
  /** Sends one frame on the tunnel; false when the tunnel is gone. */
  send: (frame: Buffer) => boolean;
  runtime: () => Promise<CriClient | undefined>;
  log: Logger;
}

function toStatusJson(err: unknown): string {
  const e = isApiError(err) ? err : new ApiError('InternalError', err instanceof Error ? err.message : String(err));
  return JSON.stringify(e.toStatus());
}

/** The edge end of one tunnel: runs the sessions the cloud opens, until the tunnel drops. */
export class SessionHost {
  private readonly sessions = new Map<number, Session>();
  constructor(private readonly o: SessionHostOptions) {}

  get size(): number {
    return this.sessions.size;
  }

  onFrame(f: Frame): void {
    const s = this.sessions.get(f.id);
    switch (f.type) {
      case FrameType.Open:
        if (!s) this.open(f.id, f.payload);
        return;
      case FrameType.Data:
        if (s?.exec) {
          const exec = s.exec;
          const n = f.payload.length;
          // In order, and credit goes back only once the runtime has the bytes.
          s.input = s.input.then(async () => (await exec)?.write(f.payload)).then(() => void this.o.send(encodeFrame(f.id, FrameType.Window, encodeUvarint(n))), () => {});
        }
        return;
      case FrameType.Window:
        s?.credit.grant(decodeUvarint(f.payload).value);
        return;
      case FrameType.Close:
        s?.abort.abort();
        return;
      default:
        return;
    }
  }

  /** The tunnel dropped: every session ends. */
  closeAll(): void {
    for (const s of this.sessions.values()) s.abort.abort();
  }

  private open(id: number, payload: Buffer): void {
    let req: OpenRequest;
    try {
      req = JSON.parse(payload.toString('utf8')) as OpenRequest;
    } catch {
      this.o.send(encodeFrame(id, FrameType.Error, toStatusJson(new ApiError('BadRequest', 'stream open request is not JSON'))));
      return;
    }
    const s: Session = { abort: new AbortController(), credit: new Credit(SESSION_WINDOW), input: Promise.resolve() };
    this.sessions.set(id, s);
    const log = this.o.log.child({ session: id, kind: req.kind, pod: `${req.pod?.namespace}/${req.pod?.name}` });
    const run = req.kind === 'logs' ? this.logs(id, req, s) : req.kind === 'exec' ? this.exec(id, req, s) : Promise.reject(new ApiError('BadRequest', `unknown stream kind ${String((req as { kind: unknown }).kind)}`));
    run
      .catch((err: unknown) => log.debug({ err }, 'stream session failed'))
      .finally(() => {
        s.abort.abort();
        s.credit.release();
        this.sessions.delete(id);
        this.o.send(encodeFrame(id, FrameType.Close));
      });
  }

  private async cri(): Promise<CriClient> {
    const cri = await this.o.runtime();
    if (!cri) throw new ApiError('ServiceUnavailable', 'this edge node has no container runtime');
    return cri;
  }

  private async logs(id: number, req: Extract<OpenRequest, { kind: 'logs' }>, s: Session): Promise<void> {
    let ready = false;
    const write = async (chunk: Buffer): Promise<void> => {
      if (!this.o.send(encodeFrame(id, FrameType.Data, chunk))) s.abort.abort();
      s.credit.take(chunk.length);
      await s.credit.wait(s.abort.signal);
    };
    try {
      await podLogs(await this.cri(), req.pod, req.opts ?? {}, write, s.abort.signal, () => {
        ready = true;
        this.o.send(encodeFrame(id, FrameType.Ready));
      });
    } catch (err) {
      // Before Ready the cloud can still answer with this Status; after it, the text just ends.
      if (!ready) this.o.send(encodeFrame(id, FrameType.Error, toStatusJson(err)));
      throw err;
    }
  }

  private async exec(id: number, req: Extract<OpenRequest, { kind: 'exec' }>, s: Session): Promise<void> {
    let session: ExecSession | undefined;
    const onOutput = (frame: Buffer): void => {
      if (!this.o.send(encodeFrame(id, FrameType.Data, frame))) s.abort.abort();
      s.credit.take(frame.length);
      if (s.credit.exhausted) {
        session?.pause();
        void s.credit.wait(s.abort.signal).then(() => session?.resume());
      }
    };
    const opening = (async () => openExec(await this.cri(), req.pod, req.opts, onOutput))();
    s.exec = opening.catch(() => undefined);
    try {
      session = await opening;
    } catch (err) {
      // The client's WebSocket is already up: the failure goes on the error channel, as kubelet sends it.
      this.o.send(encodeFrame(id, FrameType.Data, Buffer.concat([Buffer.from([Channel.Error]), Buffer.from(toStatusJson(err))])));
      throw err;
    }
    this.o.send(encodeFrame(id, FrameType.Ready));
    const onAbort = () => session?.close();
    s.abort.signal.addEventListener('abort', onAbort, { once: true });
    if (s.abort.signal.aborted) session.close();
    await session.done;
    s.abort.signal.removeEventListener('abort', onAbort);
  }
}
