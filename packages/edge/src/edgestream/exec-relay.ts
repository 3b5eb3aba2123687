import { ApiError, badRequest } from '@kedge/api';
import { WebSocket } from 'ws';
import type { CriClient } from '../cri/index.js';
import { findContainer } from './containers.js';
import type { ExecOptions, PodRef } from '@kedge/core/stream-tunnel/index.js';

/** Channel numbers of the Kubernetes streaming protocols (k8s-api.md §10). */
export const Channel = { Stdin: 0, Stdout: 1, Stderr: 2, Error: 3, Resize: 4, Close: 255 } as const;

export interface ExecSession {
  /** A client frame (`u8 channel · data`): stdin, resize or close. Resolves once the runtime has it. */
  write(frame: Buffer): Promise<void>;
  /** Output flow control: stop / restart reading the runtime's stream. */
  pause(): void;
  resume(): void;
  /** Ends the session (client gone, tunnel dropped). */
  close(): void;
  /** Settles when the runtime's stream is over; the last output frame was channel 3's Status. */
  readonly done: Promise<void>;
}

/**
 * Runs a command in a pod's container through CRI Exec and the runtime's streaming server (kubelet's
 * streaming library in containerd: WebSocket `v4.channel.k8s.io`, checked against containerd 1.6.20).
 * Output frames keep the channel numbering, so they pass to a v4/v5 client as they are; channel 3
 * carries the runtime's Status with the exit code.
 *
 * v4 has no way to close stdin, so a v5 client's `[255, 0]` cannot reach the process: commands that
 * read stdin to its end (`cat`) keep waiting. Only the runtime's SPDY transport could say it.
 */
export async function openExec(cri: CriClient, pod: PodRef, o: ExecOptions, onOutput: (frame: Buffer) => void): Promise<ExecSession> {
  if (o.command.length === 0) throw badRequest('you must specify at least 1 command');
  const c = await findContainer(cri, pod, o.container);
  if (!c.running) throw badRequest(`container ${c.name} is not running in pod ${pod.name}`);
  // CRI refuses tty together with a separate stderr: a terminal has one output stream.
  const { url } = await cri.exec({ containerId: c.id, cmd: o.command, tty: o.tty, stdin: o.stdin, stdout: o.stdout, stderr: o.tty ? false : o.stderr });
  const ws = new WebSocket(url.replace(/^http/, 'ws'), ['v4.channel.k8s.io'], { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', (err) => reject(new ApiError('InternalError', `runtime streaming server: ${err.message}`)));
    ws.once('unexpected-response', (_req, res) => reject(new ApiError('InternalError', `runtime streaming server answered ${res.statusCode ?? '?'}`)));
  });
  ws.on('error', () => {});
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary && data.length > 0) onOutput(data);
  });
  const done = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  return {
    write(frame) {
      // v4 has no close channel (see above); resize and stdin pass through unchanged.
      if (frame[0] === Channel.Close || ws.readyState !== WebSocket.OPEN) return Promise.resolve();
      return new Promise((resolve) => ws.send(frame, () => resolve()));
    },
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    close: () => ws.terminate(),
    done,
  };
}
