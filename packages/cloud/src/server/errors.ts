/**
 * A problem the operator must fix (bad config, port taken, unreadable file). The CLI prints only
 * its message, never a stack trace.
 */
export class UserError extends Error {
  readonly isUserError = true;
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'UserError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return typeof e === 'object' && e !== null && (e as { isUserError?: unknown }).isUserError === true;
}

/** Runs a startup step whose failure is the operator's environment (permissions, damaged files, an unreachable cluster): one line, not a stack. */
export async function asUserError<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new UserError(`${what}: ${(err as Error).message}`, { cause: err });
  }
}
