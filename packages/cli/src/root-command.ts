import { Command } from 'commander';
import { KEDGE_VERSION } from '@kedge/api';
import type { CliIO } from './io.js';

/** The bare `kedge` command: name, version, output through `io`, parse errors as CommanderErrors. */
export function rootCommand(io: CliIO): Command {
  return new Command('kedge')
    .description('kedge: a Kubernetes-native edge computing system (KubeEdge re-implemented in TypeScript)')
    .version(KEDGE_VERSION, '--version', 'print the kedge version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
      outputError: (s, write) => write(`kedge: ${s.replace(/^error: /, '')}`),
    });
}
