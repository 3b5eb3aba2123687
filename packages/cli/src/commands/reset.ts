import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command, InvalidArgumentError } from 'commander';
import { createLogger } from '@kedge/core';
import { defaultEdgeDataDir } from '@kedge/edge/config/index.js';
import { dirSizeBytes, isEdgeDataDir, resetEdge } from '@kedge/edge/reset/index.js';
import type { CliIO } from '../io.js';
import { UsageError } from '../usage-error.js';

/** `kedge up`'s default state directory; holds `cloud/` and `edge/`. */
export const defaultUpDataDir = './kedge-data';

interface ResetTarget {
  dir: string;
  /** The edge part to reset through the runtime (pods, containerd) before the files go. */
  edgeDir?: string;
  what: string;
}

/** What a directory holds, or undefined when it is not something `kedge join`/`kedge up` made. */
export function classifyDataDir(dir: string): ResetTarget | undefined {
  const abs = resolve(dir);
  if (!existsSync(abs)) return undefined;
  if (existsSync(join(abs, 'edge')) || existsSync(join(abs, 'cloud'))) {
    return { dir: abs, edgeDir: isEdgeDataDir(join(abs, 'edge')) ? join(abs, 'edge') : undefined, what: 'kedge up cluster (control plane, edge node, pods, demo device)' };
  }
  if (isEdgeDataDir(abs)) return { dir: abs, edgeDir: abs, what: 'edge node (certificates, cache, pods, private containerd)' };
  return undefined;
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

const examples = `
Examples:
  # undo \`kedge up\` in this directory (asks first)
  kedge reset

  # undo \`kedge join\` on an edge machine, without asking
  sudo kedge reset --data-dir /var/lib/kedge/edge --force

Reset stops and removes the node's pods, stops the private containerd and deletes the data dir.
It does not delete the Node object in the cloud: run \`kubectl delete node NAME\` there.
`;

export function resetCommand(io: CliIO): Command {
  return new Command('reset')
    .description('remove what `kedge join` or `kedge up` created on this machine (pods, containerd state, certificates, data)')
    .option('--data-dir <dir>', `data dir to remove (default: whichever of ${defaultUpDataDir}, ./edge-data, /var/lib/kedge/edge exist)`, (v: string, prev: string[] = []) => {
      if (!v.trim()) throw new InvalidArgumentError('empty path');
      return [...prev, v];
    })
    .option('-f, --force', 'do not ask for confirmation')
    .addHelpText('after', examples)
    .action(async (flags: { dataDir?: string[]; force?: boolean }) => {
      const candidates = flags.dataDir ?? [defaultUpDataDir, './edge-data', defaultEdgeDataDir()];
      const targets = [...new Map(candidates.map((d) => classifyDataDir(d)).filter((t): t is ResetTarget => !!t).map((t) => [t.dir, t])).values()];
      if (flags.dataDir) {
        for (const d of flags.dataDir) if (!classifyDataDir(d)) throw new UsageError(`${resolve(d)} is not a kedge data dir (nothing from \`kedge join\` or \`kedge up\` there)`);
      }
      if (targets.length === 0) {
        io.out('nothing to reset: no kedge data dir found (use --data-dir)');
        return;
      }
      for (const t of targets) io.out(`will remove ${t.dir}: ${t.what}, ${mib(dirSizeBytes(t.dir))}`);
      if (!flags.force) {
        if (!process.stdin.isTTY) throw new UsageError('refusing to delete without confirmation: pass --force');
        if (!(await confirm('Continue? [y/N] '))) {
          io.out('reset cancelled');
          return;
        }
      }
      const log = createLogger({ level: 'warn', pretty: io.stderrIsTTY, name: 'kedge' });
      for (const t of targets) {
        if (t.edgeDir) {
          const r = await resetEdge(t.edgeDir, log);
          io.out(`edge reset: ${r.podsRemoved} pod(s) removed, ${r.unmounted} mount(s) released`);
        }
        rmSync(t.dir, { recursive: true, force: true, maxRetries: 3 });
        io.out(`removed ${t.dir}`);
      }
    });
}
