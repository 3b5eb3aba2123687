import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { isApiError, isNotFound } from '@kedge/api';
import { createKubeClient, loadKubeconfig } from '@kedge/core';
import { readTokenFromSecret } from '@kedge/cloud/certserver/index.js';
import { UserError } from '@kedge/cloud/server/index.js';
import type { CliIO } from '../io.js';

interface GetTokenFlags {
  kubeconfig?: string;
  dataDir?: string;
}

const examples = `
Examples:
  # the token of the kedge server whose state is in ./data
  kedge gettoken

  # any cluster CloudCore runs against
  kedge gettoken --kubeconfig ~/.kube/config

  # join an edge node with it
  kedge join --cloud 10.0.0.5:10000 --node-name edge-1 --token "$(kedge gettoken --data-dir /var/lib/kedge)"
`;

/** --kubeconfig, then --data-dir's kubeconfig.yaml, then $KUBECONFIG, then ./data/kubeconfig.yaml. */
export function resolveKubeconfig(f: GetTokenFlags, env: NodeJS.ProcessEnv = process.env): string {
  if (f.kubeconfig) return resolve(f.kubeconfig);
  if (f.dataDir) return resolve(f.dataDir, 'kubeconfig.yaml');
  const fromEnv = env.KUBECONFIG?.split(':').find(Boolean);
  return resolve(fromEnv ?? join('data', 'kubeconfig.yaml'));
}

export function gettokenCommand(io: CliIO): Command {
  return new Command('gettoken')
    .description('print the current join token for edge nodes (Secret kubeedge/tokensecret)')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (default <data-dir>/kubeconfig.yaml, or $KUBECONFIG)')
    .option('--data-dir <dir>', "kedge server's data directory, whose kubeconfig.yaml is used (default ./data)")
    .addHelpText('after', examples)
    .action(async (flags: GetTokenFlags) => {
      const path = resolveKubeconfig(flags);
      if (!existsSync(path)) throw new UserError(`kubeconfig ${path} not found: start kedge server first, or pass --kubeconfig`);
      let client;
      try {
        client = createKubeClient({ ...loadKubeconfig(path), userAgent: 'kedge-gettoken', timeoutMs: 10_000 });
      } catch (err) {
        throw new UserError(`kubeconfig ${path}: ${(err as Error).message}`, { cause: err });
      }
      try {
        io.out(await readTokenFromSecret(client));
      } catch (err) {
        if (isNotFound(err)) throw new UserError('no join token yet: start kedge server (or kedge cloud) first', { cause: err });
        if (isApiError(err) && err.reason === 'ServiceUnavailable') throw new UserError(`cannot reach the cluster: ${err.message}`, { cause: err });
        throw err;
      }
    });
}
