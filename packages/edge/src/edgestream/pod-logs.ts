import type { CriClient } from '../cri/index.js';
import { sinceMillis } from './cri-log.js';
import { containerLogPath, findContainer, isRunning } from './containers.js';
import type { LogOptions, PodRef } from '@kedge/core/stream-tunnel/index.js';
import { streamLogFile } from './log-stream.js';

/**
 * A pod's container log as kubelet serves it: the container chosen (and checked) first, so errors come
 * before `onReady`; then the text through `write`, following while the container runs if asked.
 * Shared by the cloud tunnel and `kedge ctl logs`.
 */
export async function podLogs(cri: CriClient, pod: PodRef, o: LogOptions, write: (chunk: Buffer) => Promise<void>, signal: AbortSignal, onReady: () => void = () => {}): Promise<void> {
  sinceMillis(o);
  const c = await findContainer(cri, pod, o.container, o.previous === true);
  const path = await containerLogPath(cri, c.id);
  onReady();
  await streamLogFile(path, { ...o, follow: o.follow === true && !o.previous && c.running, stillRunning: () => isRunning(cri, c.id) }, write, signal);
}
