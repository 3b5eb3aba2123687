import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { createLogger } from '@kedge/core';
import { defaultCloudConfig, loadCloudConfig, runCloud } from '@kedge/cloud/cloudcore/index.js';
import { ConfigError, logLevels } from '@kedge/cloud/server/index.js';
import type { CliIO } from '../io.js';
import { parsePort } from '../parse-port.js';
import { runUntilShutdown } from '../signals.js';

/** Flags `kedge server` and `kedge cloud` share for CloudCore. */
export interface CloudCoreFlags {
  cloudhubPort?: number;
  certserverPort?: number;
  tunnelPort?: number;
  advertiseAddress?: string[];
}

export { parsePort };

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function addCloudCoreOptions(cmd: Command): Command {
  return cmd
    .option('--cloudhub-port <n>', 'CloudHub (edge WebSocket, mutual TLS) port, 0 for any free port (default 10000)', parsePort)
    .option('--certserver-port <n>', 'certificate server (edge join) port, 0 for any free port (default 10002)', parsePort)
    .option('--tunnel-port <n>', 'stream tunnel (edges dial it for kubectl logs/exec) port, 0 for any free port (default 10004)', parsePort)
    .option('--advertise-address <addr>', 'address edge nodes use to reach CloudHub, added to its certificate (repeatable)', collect);
}

/** Only flags actually given appear (undefined values are ignored by the config merge). */
export function cloudCoreOverrides(f: CloudCoreFlags & { disableCloudcore?: boolean }): Record<string, unknown> {
  return {
    enable: f.disableCloudcore ? false : undefined,
    cloudHub: { port: f.cloudhubPort },
    certServer: { port: f.certserverPort },
    cloudStream: { tunnelPort: f.tunnelPort },
    advertiseAddresses: f.advertiseAddress,
  };
}

interface CloudFlags extends CloudCoreFlags {
  kubeconfig?: string;
  config?: string;
  logLevel?: (typeof logLevels)[number];
  logFormat?: 'json' | 'pretty';
  printDefaultConfig?: boolean;
  metricsPort?: number;
}

const examples = `
Examples:
  # CloudCore against any cluster (kedge's own, or another Kubernetes)
  kedge cloud --kubeconfig ~/.kube/config

  # against a kedge server started with --disable-cloudcore, on free ports
  kedge cloud --kubeconfig ./data/kubeconfig.yaml --cloudhub-port 0 --certserver-port 0

  # edge nodes reach this host as cloud.example.com
  kedge cloud --kubeconfig kc.yaml --advertise-address cloud.example.com --advertise-address 203.0.113.7

  # then print the join token for edge nodes
  kedge gettoken --kubeconfig ~/.kube/config
`;

export function cloudCommand(io: CliIO, onForce: (why: string) => void): Command {
  const cmd = new Command('cloud')
    .description('run CloudCore alone (CloudHub, certificate server, edge controllers) against a cluster given by a kubeconfig')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster to serve (default $KUBECONFIG)')
    .option('-c, --config <file>', 'YAML config file with cloudcore and log sections (see docs/configuration.md)');
  return addCloudCoreOptions(cmd)
    .option('--metrics-port <n>', 'Prometheus /metrics on 127.0.0.1, 0 for any free port (default 10352)', parsePort)
    .addOption(new Option('--log-level <level>', 'minimum log level (default info)').choices(logLevels))
    .addOption(new Option('--log-format <format>', 'log format on stderr (default pretty on a terminal, else json)').choices(['json', 'pretty']))
    .option('--print-default-config', 'print the default configuration as YAML and exit')
    .addHelpText('after', examples)
    .action(async (flags: CloudFlags) => {
      if (flags.printDefaultConfig) {
        io.out(stringify(defaultCloudConfig()).trimEnd());
        return;
      }
      const kubeconfig = flags.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0];
      if (!kubeconfig) throw new ConfigError('--kubeconfig is required (or set $KUBECONFIG)');
      const cfg = loadCloudConfig({
        file: flags.config,
        flags: { cloudcore: cloudCoreOverrides(flags), metrics: { port: flags.metricsPort }, log: { level: flags.logLevel, pretty: flags.logFormat === undefined ? undefined : flags.logFormat === 'pretty' } },
        stderrIsTTY: io.stderrIsTTY,
      });
      const log = createLogger({ level: cfg.log.level, pretty: cfg.log.pretty, name: 'kedge' });
      await runUntilShutdown(onForce, log, (signal) => runCloud(cfg, kubeconfig, log, signal, io.out));
    });
}
