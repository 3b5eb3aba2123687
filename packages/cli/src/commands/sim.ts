import { Command, InvalidArgumentError, Option } from 'commander';
import { createLogger } from '@kedge/core';
import { UserError } from '@kedge/cloud/server/index.js';
import { runHollowNodes, type HollowProgress } from '@kedge/edge/sim/index.js';
import type { CliIO } from '../io.js';
import { shutdownSignal } from '../signals.js';

interface SimFlags {
  nodes: number;
  cloud: string;
  token: string;
  certServer?: string;
  namePrefix: string;
  concurrency?: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function hostPort(v: string): string {
  if (!/^[^\s:/]+:\d{1,5}$/.test(v) && !/^\[[0-9a-f:]+\]:\d{1,5}$/i.test(v)) throw new InvalidArgumentError('expected HOST:PORT, e.g. 127.0.0.1:10000');
  return v;
}

const examples = `
Examples:
  # 100 hollow nodes against a local kedge server (token from 'kedge gettoken')
  kedge sim --nodes 100 --cloud 127.0.0.1:10000 --token "$(kedge gettoken)"

  # certificate server on another port, custom names
  kedge sim --nodes 5 --cloud 10.0.0.5:10000 --cert-server https://10.0.0.5:10002 --token T --name-prefix lab-
`;

/** Prints "n/N nodes connected" whenever the count changes (at most once a second). */
export function progressPrinter(out: (line: string) => void): (p: HollowProgress) => void {
  let last = '';
  return (p) => {
    const line = `${p.connected}/${p.total} nodes connected${p.registered !== p.connected ? `, ${p.registered} registered` : ''}${p.failed ? `, ${p.failed} failed to join` : ''}`;
    if (line !== last) out(line);
    last = line;
  };
}

export function simCommand(io: CliIO, onForce: (why: string) => void): Command {
  return new Command('sim')
    .description('run hollow edge nodes: simulated nodes speaking the real CloudHub protocol, for tests and benchmarks')
    .requiredOption('--nodes <n>', 'number of hollow nodes', positiveInt)
    .requiredOption('--cloud <host:port>', 'CloudHub address', hostPort)
    .requiredOption('--token <token>', "join token ('kedge gettoken')")
    .option('--cert-server <url>', 'certificate server (default https://<cloud host>:10002)')
    .option('--name-prefix <prefix>', 'node name prefix', 'hollow-')
    .option('--concurrency <n>', 'certificate requests in flight (default 16)', positiveInt)
    .addOption(new Option('--log-level <level>', 'minimum log level').choices(['debug', 'info', 'warn', 'error', 'silent']).default('warn'))
    .addHelpText('after', examples)
    .action(async (f: SimFlags) => {
      const log = createLogger({ level: f.logLevel, pretty: io.stderrIsTTY, name: 'kedge' });
      const { signal, dispose } = shutdownSignal(onForce);
      io.out(`starting ${f.nodes} hollow nodes against ${f.cloud}`);
      try {
        await runHollowNodes({
          count: f.nodes, cloud: f.cloud, token: f.token, namePrefix: f.namePrefix, log, signal,
          ...(f.certServer ? { certServer: f.certServer } : {}),
          ...(f.concurrency ? { concurrency: f.concurrency } : {}),
          onProgress: progressPrinter(io.out),
        });
      } catch (err) {
        if (signal.aborted) return;
        throw new UserError(`sim: ${(err as Error).message}`, { cause: err });
      } finally {
        dispose();
      }
      io.out('hollow nodes stopped');
    });
}
