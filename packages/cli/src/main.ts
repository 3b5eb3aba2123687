#!/usr/bin/env node
import { CommanderError } from 'commander';
import { isApiError } from '@kedge/api';
import { isUserError } from '@kedge/cloud/server/index.js';
import { ExitCode } from './exit-codes.js';
import { processIO } from './io.js';
import { createProgram } from './program.js';

function force(why: string): never {
  processIO.err(`kedge: ${why}`);
  process.exit(ExitCode.failure);
}

async function main(argv: string[]): Promise<number> {
  try {
    await createProgram(processIO, force).parseAsync(argv);
    return ExitCode.ok;
  } catch (err) {
    // Commander already printed its message (or the help text); only the code is left to decide.
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    if (isUserError(err)) {
      processIO.err(`kedge: ${err.message}`);
      return err.name === 'ConfigError' || err.name === 'UsageError' ? ExitCode.usage : ExitCode.failure;
    }
    if (isApiError(err)) {
      processIO.err(`kedge: ${err.message}`);
      return ExitCode.failure;
    }
    processIO.err(`kedge: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return ExitCode.failure;
  }
}

// Exit explicitly: a leftover keep-alive socket or timer must not keep a stopped server alive.
process.exit(await main(process.argv));
