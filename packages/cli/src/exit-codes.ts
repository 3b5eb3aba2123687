/** Process exit codes of every kedge command. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  /** Bad flags, unknown command or invalid configuration. */
  usage: 2,
} as const;
