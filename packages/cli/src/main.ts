#!/usr/bin/env node
import { EDGE_COMMANDS } from './edge-process.js';
import { CommanderError } from 'commander';
import { isApiError } from '@kedge/api';
import { ExitCode } from './exit-codes.js';
import { processIO } from './io.js';

/** UserError (cloud) and EdgeUserError (edge) both carry `isUserError`; checked structurally so no cloud code loads. */
const isUserError = (e: unknown): e is Error => typeof e === 'object' && e !== null && (e as { isUserError?: unknown }).isUserError === true;

function force(why: string): never {
  processIO.err(`kedge: ${why}`);
  process.exit(ExitCode.failure);
}

async function main(argv: string[]): Promise<number> {
  try {
    // An edge node loads only what EdgeCore needs (docs/benchmarks.md "Edge"); everything else gets the whole tree.
    const program = EDGE_COMMANDS.has(argv[2] ?? '')
      ? (await import('./edge-program.js')).createEdgeProgram(processIO, force)
      : (await import('./program.js')).createProgram(processIO, force);
    await program.parseAsync(argv);
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
