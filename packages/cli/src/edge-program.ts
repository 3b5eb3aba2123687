import type { Command } from 'commander';
import { edgeCommand } from './commands/edge.js';
import { joinCommand } from './commands/join.js';
import type { CliIO } from './io.js';
import { rootCommand } from './root-command.js';

/**
 * `kedge` with only `edge` and `join`: EdgeCore's process then never loads the cloud, the dashboard or
 * the mappers (docs/benchmarks.md "Edge": ~10 MB of heap and code an edge device keeps for nothing).
 */
export function createEdgeProgram(io: CliIO, onForce: (why: string) => void): Command {
  const program = rootCommand(io);
  for (const cmd of [joinCommand(io, onForce), edgeCommand(io, onForce)]) program.addCommand(cmd.copyInheritedSettings(program));
  return program;
}
