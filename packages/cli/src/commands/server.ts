import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { createLogger } from '@kedge/core';
import { controllerNames } from '@kedge/cloud/controllers/index.js';
import { defaultConfig, loadConfig, logLevels, runServer, type ConfigOverrides } from '@kedge/cloud/server/index.js';
import type { CliIO } from '../io.js';
import { runUntilShutdown } from '../signals.js';
import { addCloudCoreOptions, cloudCoreOverrides, parsePort, type CloudCoreFlags } from './cloud.js';

interface ServerFlags extends CloudCoreFlags {
  disableCloudcore?: boolean;
  config?: string;
  dataDir?: string;
  bind?: string;
  port?: number;
  storage?: 'sqlite' | 'memory';
  disableControllers?: string[];
  logLevel?: (typeof logLevels)[number];
  logFormat?: 'json' | 'pretty';
  printDefaultConfig?: boolean;
}

const parseList = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);

/** Flags override the config file; only flags actually given appear here. */
export function flagsToOverrides(f: ServerFlags): ConfigOverrides {
  return {
    apiserver: { dataDir: f.dataDir, bind: f.bind, port: f.port },
    storage: { type: f.storage },
    controllers: f.disableControllers ? Object.fromEntries(f.disableControllers.map((n) => [n, false])) : undefined,
    cloudcore: cloudCoreOverrides(f),
    log: { level: f.logLevel, pretty: f.logFormat === undefined ? undefined : f.logFormat === 'pretty' },
  };
}

const examples = `
Examples:
  # start with state in ./data, API on https://127.0.0.1:6443
  kedge server

  # throwaway server on a free port, state in memory
  kedge server --storage memory --port 0 --data-dir /tmp/kedge

  # listen on every interface, without the daemonset controller
  kedge server --bind 0.0.0.0 --disable-controllers daemonset

  # edge nodes join through 10.0.0.5 (CloudHub :10000, certificate server :10002)
  kedge server --advertise-address 10.0.0.5
  kedge gettoken

  # everything on free ports (tests), or the API server alone
  kedge server --port 0 --cloudhub-port 0 --certserver-port 0
  kedge server --disable-cloudcore

  # start from a config file (flags still win)
  kedge server --print-default-config > kedge.yaml
  kedge server --config kedge.yaml

Controllers: ${controllerNames.join(', ')}
`;

export function serverCommand(io: CliIO, onForce: (why: string) => void): Command {
  const cmd = new Command('server')
    .description('run the embedded Kubernetes API server, the cloud controllers and CloudCore (the edge link)')
    .option('-c, --config <file>', 'YAML config file (see docs/configuration.md)')
    .option('--data-dir <dir>', 'directory for state.db, pki/ and kubeconfig.yaml (default ./data)')
    .option('--bind <addr>', 'address the HTTPS API listens on (default 127.0.0.1)')
    .option('--port <n>', 'HTTPS API port, 0 for any free port (default 6443)', parsePort)
    .addOption(new Option('--storage <type>', 'storage backend (default sqlite)').choices(['sqlite', 'memory']))
    .option('--disable-controllers <names>', 'comma-separated controllers to turn off', parseList);
  return addCloudCoreOptions(cmd)
    .option('--disable-cloudcore', 'do not run CloudCore (CloudHub, certificate server, edge controllers)')
    .addOption(new Option('--log-level <level>', 'minimum log level (default info)').choices(logLevels))
    .addOption(new Option('--log-format <format>', 'log format on stderr (default pretty on a terminal, else json)').choices(['json', 'pretty']))
    .option('--print-default-config', 'print the default configuration as YAML and exit')
    .addHelpText('after', examples)
    .action(async (flags: ServerFlags) => {
      if (flags.printDefaultConfig) {
        io.out(stringify(defaultConfig(controllerNames)).trimEnd());
        return;
      }
      const cfg = loadConfig({ file: flags.config, flags: flagsToOverrides(flags), controllerNames, stderrIsTTY: io.stderrIsTTY });
      const log = createLogger({ level: cfg.log.level, pretty: cfg.log.pretty, name: 'kedge' });
      await runUntilShutdown(onForce, log, (signal) => runServer(cfg, log, signal, io.out));
    });
}
