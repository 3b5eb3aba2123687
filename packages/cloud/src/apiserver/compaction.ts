import type { Logger } from 'pino';
import type { Backend } from '../storage/types.js';

/** Keeps `minRetain` revisions of history (watch resume, Exact lists, continue tokens), drops the rest. */
export async function compactOnce(backend: Backend, minRetain: number, log: Logger): Promise<number | undefined> {
  const target = backend.currentRevision() - minRetain;
  if (target <= backend.compactRevision()) return undefined;
  await backend.compact(target);
  log.debug({ revision: target }, 'compacted storage history');
  return target;
}

/** Runs compactOnce every `intervalMs` until `signal` aborts. */
export function startCompaction(backend: Backend, minRetain: number, intervalMs: number, log: Logger, signal: AbortSignal): void {
  if (intervalMs <= 0) return;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    compactOnce(backend, minRetain, log)
      .catch((err: unknown) => log.warn({ err }, 'compaction failed'))
      .finally(() => { running = false; });
  }, intervalMs);
  timer.unref();
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}
