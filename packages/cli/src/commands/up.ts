import { Command, Option } from 'commander';
import { edgeLogLevels } from '@kedge/edge/config/index.js';
import type { CliIO } from '../io.js';
import { shutdownSignal } from '../signals.js';
import { runUp } from '../up/run-up.js';
import { parsePort } from './cloud.js';
import { defaultUpDataDir } from './reset.js';

interface UpFlags {
  dataDir: string;
  nodeName: string;
  port: number;
  cloudhubPort: number;
  certserverPort: number;
  tunnelPort: number;
  metaserverPort: number;
  mqttPort: number;
  mapperPort: number;
  edgeMetricsPort: number;
  logLevel: (typeof edgeLogLevels)[number];
  demo: boolean;
}

const examples = `
Examples:
  # everything on the default ports, state in ./kedge-data (run it again to resume)
  kedge up

  # another directory and API port, no demo device
  kedge up --data-dir /tmp/kedge --port 7443 --no-demo

  # every listener on a free port (several clusters on one machine, tests)
  kedge up --port 0 --cloudhub-port 0 --certserver-port 0 --tunnel-port 0 --metaserver-port 0 --mqtt-port 0 --mapper-port 0 --edge-metrics-port 0

  # remove the cluster again
  kedge reset

Logs go to <data-dir>/kedge.log. Ctrl-C stops everything, including the pods.
`;

export function upCommand(io: CliIO, onForce: (why: string) => void): Command {
  return new Command('up')
    .description('start a complete local edge cluster: control plane, CloudCore, one edge node with containerd, a demo device and the dashboard')
    .option('--data-dir <dir>', 'state of the cluster (cloud/ and edge/)', defaultUpDataDir)
    .option('--node-name <name>', 'name of the local edge node', 'edge-1')
    .option('--port <n>', 'HTTPS API (and dashboard) port, 0 for any free port', parsePort, 6443)
    .option('--cloudhub-port <n>', 'CloudHub port', parsePort, 10000)
    .option('--certserver-port <n>', 'certificate server port', parsePort, 10002)
    .option('--tunnel-port <n>', 'stream tunnel port (kubectl logs/exec)', parsePort, 10004)
    .option('--metaserver-port <n>', "edge MetaServer port", parsePort, 10550)
    .option('--mqtt-port <n>', "edge's embedded MQTT broker port", parsePort, 1883)
    .option('--mapper-port <n>', "demo mapper's REST API port", parsePort, 7777)
    .option('--edge-metrics-port <n>', "edge's Prometheus /metrics port", parsePort, 10351)
    .addOption(new Option('--log-level <level>', 'minimum level written to <data-dir>/kedge.log').choices(edgeLogLevels).default('info'))
    .option('--no-demo', 'skip the demo device and virtual mapper')
    .addHelpText('after', examples)
    .action(async (f: UpFlags) => {
      const { signal, dispose } = shutdownSignal(onForce, 60_000);
      try {
        await runUp({
          dataDir: f.dataDir,
          nodeName: f.nodeName,
          ports: { api: f.port, cloudHub: f.cloudhubPort, certServer: f.certserverPort, stream: f.tunnelPort, metaServer: f.metaserverPort, mqtt: f.mqttPort, mapperRest: f.mapperPort, edgeMetrics: f.edgeMetricsPort },
          logLevel: f.logLevel,
          write: (s) => process.stdout.write(s),
          tty: Boolean(process.stdout.isTTY),
          noDemo: !f.demo,
        }, signal);
        io.out('kedge stopped');
      } finally {
        dispose();
      }
    });
}
