/** A usage problem (bad or missing flag, refused prompt): the CLI prints the message and exits 2. */
export class UsageError extends Error {
  readonly isUserError = true;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
