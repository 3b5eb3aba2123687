import type { Logger } from '@kedge/core';

/**
 * An AbortSignal that SIGINT/SIGTERM abort for a clean shutdown. A second signal, or a shutdown
 * longer than `forceAfterMs`, forces the exit: an operator pressing Ctrl-C twice means it.
 */
export function shutdownSignal(onForce: (why: string) => void, forceAfterMs = 30_000): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const handler = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) {
      onForce(`received ${sig} again, exiting without cleanup`);
      return;
    }
    ac.abort(new Error(`received ${sig}`));
    timer = setTimeout(() => onForce(`shutdown took longer than ${forceAfterMs / 1000}s`), forceAfterMs);
    timer.unref();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ac.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      if (timer) clearTimeout(timer);
    },
  };
}

/** Runs `run` until it returns, handing it a shutdownSignal and logging why the shutdown began. */
export async function runUntilShutdown(onForce: (why: string) => void, log: Logger, run: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const { signal, dispose } = shutdownSignal(onForce);
  signal.addEventListener('abort', () => log.info({ reason: String((signal.reason as Error)?.message ?? signal.reason) }, 'shutting down'), { once: true });
  try {
    await run(signal);
  } finally {
    dispose();
  }
}
