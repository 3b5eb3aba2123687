/** Where a command writes; injected so commands never touch process.stdout directly. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  stderrIsTTY: boolean;
}

export const processIO: CliIO = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  stderrIsTTY: Boolean(process.stderr.isTTY),
};
