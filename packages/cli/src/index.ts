export { createProgram } from './program.js';
export { ExitCode } from './exit-codes.js';
export type { CliIO } from './io.js';
