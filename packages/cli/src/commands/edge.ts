import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { createLogger } from '@kedge/core';
import { edgeLogLevels, loadEdgeConfig, type EdgeConfig, type EdgeConfigOverrides } from '@kedge/edge/config/index.js';
import { runEdgeCore } from '@kedge/edge/edgecore/index.js';
import type { CliIO } from '../io.js';
import { runUntilShutdown } from '../signals.js';
import { UsageError } from '../usage-error.js';
import { parsePort } from '../parse-port.js';

export interface EdgeRunFlags {
  metaserverPort?: number;
  eventbusPort?: number;
  metricsPort?: number;
  logLevel?: (typeof edgeLogLevels)[number];
  logFormat?: 'json' | 'pretty';
}

/** Flags both `join` and `edge` take. */
export function addEdgeRunOptions(cmd: Command): Command {
  return cmd
    .option('--metaserver-port <n>', 'port of the local MetaServer on 127.0.0.1, 0 for any free port (default 10550)', parsePort)
    .option('--eventbus-port <n>', 'port of the embedded MQTT broker on 127.0.0.1, 0 for any free port (default 1883)', parsePort)
    .option('--metrics-port <n>', 'port of Prometheus /metrics on 127.0.0.1, 0 for any free port (default 10351)', parsePort)
    .addOption(new Option('--log-level <level>', 'minimum log level (default info)').choices(edgeLogLevels))
    .addOption(new Option('--log-format <format>', 'log format on stderr (default pretty on a terminal, else json)').choices(['json', 'pretty']));
}

export function edgeRunOverrides(f: EdgeRunFlags, io: CliIO): EdgeConfigOverrides {
  return {
    metaServer: { port: f.metaserverPort },
    eventBus: { port: f.eventbusPort },
    metrics: { port: f.metricsPort },
    log: { level: f.logLevel, pretty: f.logFormat === undefined ? (io.stderrIsTTY ? true : undefined) : f.logFormat === 'pretty' },
  };
}

/** Runs EdgeCore until SIGINT/SIGTERM. */
export async function runEdge(cfg: EdgeConfig, io: CliIO, onForce: (why: string) => void, log = createLogger({ level: cfg.log.level, pretty: cfg.log.pretty, name: 'kedge' })): Promise<void> {
  await runUntilShutdown(onForce, log, (signal) => runEdgeCore(cfg, log, signal, io.out));
}

const examples = `
Examples:
  # restart a joined node (kedge join wrote the config)
  kedge edge --config ./edge-data/edge.yaml

  # same, MetaServer on another port, debug logs
  kedge edge --config /var/lib/kedge/edge/edge.yaml --metaserver-port 10551 --log-level debug

  # every field with its default (paths shown as they resolve in this directory)
  kedge edge --print-default-config

The config is never rewritten by this command; see docs/edge.md for its fields.
`;

export function edgeCommand(io: CliIO, onForce: (why: string) => void): Command {
  const cmd = new Command('edge')
    .description('run EdgeCore (EdgeHub, MetaManager, MetaServer, node status) for a node that has joined')
    .option('-c, --config <file>', 'edge config written by `kedge join` (<data-dir>/edge.yaml); required')
    .option('--print-default-config', 'print the default edge configuration as YAML and exit');
  return addEdgeRunOptions(cmd)
    .addHelpText('after', examples)
    .action(async (flags: EdgeRunFlags & { config?: string; printDefaultConfig?: boolean }) => {
      if (flags.printDefaultConfig) {
        io.out(stringify(loadEdgeConfig(undefined, {})).trimEnd());
        return;
      }
      if (!flags.config) throw new UsageError("required option '-c, --config <file>' not specified (kedge join writes <data-dir>/edge.yaml)");
      const cfg = loadEdgeConfig(flags.config, edgeRunOverrides(flags, io));
      await runEdge(cfg, io, onForce);
    });
}
