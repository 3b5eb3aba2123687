import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';

/**
 * One long-running part of a binary. `start` resolves after `signal` aborts and cleanup is done; a
 * rejection is fatal for the whole process (the runner aborts the other modules).
 */
export interface Module {
  readonly name: string;
  start(signal: AbortSignal): Promise<void>;
}

/**
 * Runs modules until `signal` aborts or one of them fails; on failure aborts the rest, waits for
 * them, then rethrows the first error so main() can exit non-zero.
 */
export async function runModules(mods: Module[], signal: AbortSignal, log?: Logger): Promise<void> {
  const inner = new AbortController();
  // Every module (and each of its informers and timers) listens on this one signal.
  setMaxListeners(0, inner.signal);
  const onAbort = () => inner.abort(signal.reason);
  if (signal.aborted) inner.abort(signal.reason);
  else signal.addEventListener('abort', onAbort, { once: true });
  let firstError: unknown;
  await Promise.all(
    mods.map(async (m) => {
      try {
        log?.debug({ module: m.name }, 'module starting');
        await m.start(inner.signal);
        if (!inner.signal.aborted) log?.warn({ module: m.name }, 'module returned before shutdown');
      } catch (err) {
        if (firstError === undefined) firstError = err;
        log?.error({ module: m.name, err }, 'module failed');
        inner.abort(err);
      }
    }),
  );
  signal.removeEventListener('abort', onAbort);
  if (firstError !== undefined) throw firstError;
}
