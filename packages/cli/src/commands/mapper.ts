import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { stringify } from 'yaml';
import { createLogger } from '@kedge/core';
import { UserError } from '@kedge/cloud/server/index.js';
import { defaultEdgeDataDir } from '@kedge/edge/config/edge-config.js';
import { loadMapperConfig, mapperProtocols, runMapper } from '@kedge/mappers';
import type { CliIO } from '../io.js';
import { mapperPod } from '../mapper-pod/index.js';
import { shutdownSignal } from '../signals.js';

interface MapperFlags {
  config?: string;
  dmiSocket?: string;
  socket?: string;
  restPort?: number;
  name?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  printDefaultConfig?: boolean;
  printPodManifest?: boolean;
  node?: string;
  namespace: string;
}

function port(v: string): number {
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || n < -1 || n > 65535) throw new InvalidArgumentError('expected a port (0 = any free port, -1 = no REST API)');
  return n;
}

const examples = `
Examples:
  # the virtual mapper next to a local 'kedge edge' (EdgeCore's DMI socket ./edge-data/dmi.sock)
  kedge mapper virtual

  # a mapper config written for KubeEdge's mapper-framework (grpc_server.socket_path, common.edgecore_sock, ...)
  kedge mapper virtual --config ./config.yaml

  # EdgeCore running as root, REST API on a free port
  kedge mapper virtual --dmi-socket /var/lib/kedge/edge/dmi.sock --rest-port 0

  # a starting point for --config
  kedge mapper modbus --print-default-config > modbus-mapper.yaml

  # run it as a pod on edge node edge-1 instead (print on that node: the pod runs its node and kedge)
  kedge mapper virtual --print-pod-manifest --node edge-1 | kubectl apply -f -
`;

/** `kedge mapper <protocol>`: one protocol mapper talking DMI to the local EdgeCore. */
export function mapperCommand(io: CliIO, onForce: (why: string) => void): Command {
  return new Command('mapper')
    .description('run a device mapper: registers with EdgeCore over DMI and drives devices of one protocol')
    .addArgument(new Argument('<protocol>', 'device protocol').choices(Object.keys(mapperProtocols)))
    .option('--config <file>', 'mapper config YAML (KubeEdge mapper-framework format)')
    .option('--dmi-socket <path>', `EdgeCore's DMI socket (default ${join(defaultEdgeDataDir(), 'dmi.sock')})`)
    .option('--socket <path>', "this mapper's gRPC socket (default <dmi socket dir>/<name>.sock)")
    .option('--rest-port <port>', 'REST API port; 0 = any free port, -1 = off (default 7777)', port)
    .option('--name <name>', 'mapper name (default <protocol>-mapper)')
    .addOption(new Option('--log-level <level>', 'minimum log level').choices(['debug', 'info', 'warn', 'error', 'silent']).default('info'))
    .option('--print-default-config', "print this mapper's config (KubeEdge mapper-framework config.yaml) with its defaults and exit")
    .option('--print-pod-manifest', "print a Pod that runs this mapper on --node (chroot into the node's own node and kedge install) and exit")
    .option('--node <name>', 'with --print-pod-manifest: the edge node (default this host\'s name)')
    .option('--namespace <ns>', 'with --print-pod-manifest: the pod\'s namespace', 'default')
    .addHelpText('after', examples)
    .action(async (protocol: string, f: MapperFlags) => {
      const factory = mapperProtocols[protocol]!;
      const config = loadMapperConfig({
        ...(f.config ? { file: f.config } : {}),
        defaults: { protocol, dmiSocket: join(defaultEdgeDataDir(), 'dmi.sock') },
        overrides: {
          ...(f.dmiSocket ? { dmiSocket: f.dmiSocket } : {}),
          ...(f.socket ? { socket: f.socket } : {}),
          ...(f.restPort !== undefined ? { restPort: f.restPort } : {}),
          ...(f.name ? { name: f.name } : {}),
        },
      });
      // (A bad config throws MapperConfigError, a ConfigError: main prints the message naming the field, exit 2.)
      if (f.printDefaultConfig) {
        io.out(stringify({
          grpc_server: { socket_path: config.socket },
          common: { name: config.name, version: config.version, api_version: config.apiVersion, protocol: config.protocol, edgecore_sock: config.dmiSocket, http_port: config.restPort },
        }).trimEnd());
        return;
      }
      if (f.printPodManifest) {
        io.out(stringify(mapperPod({
          protocol, name: config.name, node: f.node ?? hostname().toLowerCase(), namespace: f.namespace,
          dmiSocket: resolve(config.dmiSocket), socket: resolve(config.socket), restPort: config.restPort,
          ...(f.config ? { configFile: resolve(f.config) } : {}),
          nodeBinary: process.execPath, kedgeMain: realpathSync(process.argv[1]!), logLevel: f.logLevel,
        })).trimEnd());
        return;
      }
      const log = createLogger({ level: f.logLevel, pretty: io.stderrIsTTY, name: 'kedge' });
      const { signal, dispose } = shutdownSignal(onForce);
      try {
        await runMapper({
          factory, config, log, signal,
          onReady: (i) => io.out(`mapper ${config.name} (${protocol}) serving ${i.socket}${i.restPort !== undefined ? `, REST API on http://${config.restBind}:${i.restPort}` : ''}; registering with ${config.dmiSocket}`),
        });
      } catch (err) {
        if (signal.aborted) return;
        throw new UserError(`mapper: ${(err as Error).message}`, { cause: err });
      } finally {
        dispose();
      }
      io.out('mapper stopped');
    });
}
