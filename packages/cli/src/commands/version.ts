import { Command, Option } from 'commander';
import { KEDGE_VERSION, KUBE_VERSION } from '@kedge/api';
import type { CliIO } from '../io.js';

export function versionInfo() {
  return { kedgeVersion: KEDGE_VERSION, kubernetesVersion: KUBE_VERSION.gitVersion, nodeVersion: process.version, platform: `${process.platform}/${process.arch}` };
}

export function versionCommand(io: CliIO): Command {
  return new Command('version')
    .description('print the kedge version, the Kubernetes API version it serves and the Node.js version')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nExamples:\n  kedge version\n  kedge version -o json\n')
    .action((opts: { output: 'text' | 'json' }) => {
      const v = versionInfo();
      if (opts.output === 'json') {
        io.out(JSON.stringify(v, null, 2));
        return;
      }
      io.out(`kedge ${v.kedgeVersion}`);
      io.out(`kubernetes api ${v.kubernetesVersion}`);
      io.out(`node ${v.nodeVersion} (${v.platform})`);
    });
}
