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
