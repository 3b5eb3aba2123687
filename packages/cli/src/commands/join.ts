import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createLogger } from '@kedge/core';
import { bootstrapEdgeCerts } from '@kedge/edge/bootstrap/index.js';
import { loadEdgeConfig, writeEdgeConfig } from '@kedge/edge/config/index.js';
import type { CliIO } from '../io.js';
import { addEdgeRunOptions, edgeRunOverrides, runEdge, type EdgeRunFlags } from './edge.js';

interface JoinFlags extends EdgeRunFlags {
  cloud: string;
  token: string;
  nodeName: string;
  dataDir?: string;
  labels?: Record<string, string>;
  certServer?: string;
  tunnelServer?: string;
}

function parseLabels(v: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`"${pair}" is not key=value`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function parseCloud(v: string): string {
  if (!/^[^\s/]+:\d+$/.test(v)) throw new InvalidArgumentError('expected HOST:PORT of CloudHub, e.g. 10.0.0.5:10000');
  return v;
}

const examples = `
Examples:
  # on the cloud: print a join token (valid 24 h)
  kedge gettoken

  # on the edge machine: join and start EdgeCore (state in ./edge-data)
  kedge join --cloud 10.0.0.5:10000 --token "$TOKEN" --node-name edge-1

  # with labels, a state directory and a cert server on another address
  kedge join --cloud 10.0.0.5:10000 --token "$TOKEN" --node-name edge-1 \\
    --data-dir /var/lib/kedge/edge --labels zone=a,rack=3 --cert-server https://10.0.0.6:10002

Later restarts need no token: kedge edge --config <data-dir>/edge.yaml
`;

export function joinCommand(io: CliIO, onForce: (why: string) => void): Command {
  const cmd = new Command('join')
    .description('join this machine to a kedge cloud as an edge node, then run EdgeCore')
    .requiredOption('--cloud <host:port>', 'CloudHub address of the cloud, usually HOST:10000', parseCloud)
    .requiredOption('--token <token>', 'join token from `kedge gettoken` (<CA hash>.<JWT>)')
    .requiredOption('--node-name <name>', 'name of this node in the cloud')
    .option('--data-dir <dir>', 'certificates, cache and edge.yaml (default /var/lib/kedge/edge as root, else ./edge-data)')
    .option('--labels <k=v,...>', 'extra labels for the Node', parseLabels)
    .option('--cert-server <url>', 'certificate server (default https://<cloud host>:10002)')
    .option('--tunnel-server <host:port>', 'stream tunnel for kubectl logs/exec (default <cloud host>:10004)', parseCloud);
  return addEdgeRunOptions(cmd)
    .addHelpText('after', examples)
    .action(async (flags: JoinFlags) => {
      const base = edgeRunOverrides(flags, io);
      const cfg = loadEdgeConfig(undefined, {
        ...base,
        node: { name: flags.nodeName, labels: flags.labels },
        dataDir: flags.dataDir,
        edgeHub: { server: flags.cloud, certServer: flags.certServer },
        edgeStream: { server: flags.tunnelServer },
      });
      const log = createLogger({ level: cfg.log.level, pretty: cfg.log.pretty, name: 'kedge' });
      // The token is used once, here, and never stored (KubeEdge removes it from its config too).
      await bootstrapEdgeCerts({ certServer: cfg.edgeHub.certServer, token: flags.token, nodeName: cfg.node.name, dir: join(cfg.dataDir, 'certs'), log, timeoutMs: 15_000 });
      const file = join(cfg.dataDir, 'edge.yaml');
      writeEdgeConfig(file, cfg);
      io.out(`node ${cfg.node.name} joined; config written to ${file}`);
      await runEdge(cfg, io, onForce, log);
    });
}
