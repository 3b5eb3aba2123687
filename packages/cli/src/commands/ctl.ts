import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { stringify } from 'yaml';
import { ApiError } from '@kedge/api';
import { defaultEdgeDataDir, loadEdgeConfig } from '@kedge/edge/config/index.js';
import { createCriClient, type CriClient } from '@kedge/edge/cri/index.js';
import { Channel, findRuntimeSocket, openExec, podLogs } from '@kedge/edge/edgestream/index.js';
import type { CliIO } from '../io.js';
import { UsageError } from '../usage-error.js';

const parseCount = (v: string): number => {
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError('expected a whole number');
  return Number(v);
};

const defaultConfig = (): string => join(defaultEdgeDataDir(), 'edge.yaml');

/** The runtime this edge's Edged uses, from its config; no runtime is a clear error (ctl never starts one). */
async function runtimeFor(configFile: string): Promise<CriClient> {
  if (!existsSync(configFile)) throw new UsageError(`no edge config at ${configFile}: pass --config (kedge join writes <data-dir>/edge.yaml)`);
  const cfg = loadEdgeConfig(configFile);
  const socket = await findRuntimeSocket({ runtimeEndpoint: cfg.edged.runtimeEndpoint, dataDir: cfg.dataDir });
  if (!socket) throw new ApiError('ServiceUnavailable', `no container runtime answers for the edge at ${cfg.dataDir} (is kedge edge running?)`);
  return createCriClient({ socket, timeoutMs: 30_000 });
}

/** Ends on Ctrl-C (and SIGTERM) instead of killing the process mid-write. */
function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { signal: ac.signal, dispose: () => (process.off('SIGINT', stop), process.off('SIGTERM', stop)) };
}

interface PodFlags { namespace: string; container?: string; config: string }

function logsCommand(): Command {
  return new Command('logs')
    .description("print a container's log from this edge's files (works with the cloud unreachable)")
    .addHelpText('after', `
Examples:
  kedge ctl logs web-5d9c
  kedge ctl logs web-5d9c -c sidecar -f --tail 20
  kedge ctl logs web-5d9c --previous --timestamps --config ./edge-data/edge.yaml
`)
    .argument('<pod>', 'pod name')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-c, --container <name>', 'container (needed when the pod has several)')
    .option('-f, --follow', 'keep streaming while the container runs')
    .option('--tail <n>', 'only the last n lines (-1: all)', parseCount, -1)
    .option('-p, --previous', 'the previous (terminated) instance of the container')
    .option('--timestamps', 'prefix each line with its RFC3339Nano time')
    .option('--config <file>', 'edge config', defaultConfig())
    .action(async (pod: string, f: PodFlags & { follow?: boolean; tail: number; previous?: boolean; timestamps?: boolean }) => {
      const cri = await runtimeFor(f.config);
      const stop = interruptSignal();
      try {
        const opts = { ...(f.container ? { container: f.container } : {}), follow: f.follow === true, previous: f.previous === true, timestamps: f.timestamps === true, ...(f.tail >= 0 ? { tailLines: f.tail } : {}) };
        await podLogs(cri, { namespace: f.namespace, name: pod }, opts, (chunk) => new Promise<void>((r) => process.stdout.write(chunk, () => r())), stop.signal);
      } finally {
        stop.dispose();
        cri.close();
      }
    });
}

/** Exit code from the runtime's channel-3 Status (k8s-api.md §10): 0, N for NonZeroExitCode, else an error. */
export function exitCodeOf(status: { status?: string; reason?: string; message?: string; details?: { causes?: Array<{ reason?: string; message?: string }> } }): number | Error {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (status.reason === 'NonZeroExitCode' && cause) return Number(cause.message);
  return new Error(status.message ?? 'exec failed');
}

function execCommand(io: CliIO): Command {
  return new Command('exec')
    .description("run a command in a pod's container on this edge, straight through CRI (works with the cloud unreachable)")
    .addHelpText('after', `
Examples:
  kedge ctl exec web-5d9c -- cat /etc/hostname
  kedge ctl exec -it web-5d9c -- sh
  echo hi | kedge ctl exec -i web-5d9c -c app -- sh -c 'read x; echo $x'
`)
    .argument('<pod>', 'pod name')
    .argument('<command...>', 'command and arguments (after --)')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-c, --container <name>', 'container (needed when the pod has several)')
    .option('-i, --stdin', 'pass stdin to the command')
    .option('-t, --tty', 'allocate a terminal')
    .option('--config <file>', 'edge config', defaultConfig())
    .action(async (pod: string, command: string[], f: PodFlags & { stdin?: boolean; tty?: boolean }) => {
      const cri = await runtimeFor(f.config);
      let status: Record<string, unknown> | undefined;
      const tty = f.tty === true && f.stdin === true && process.stdin.isTTY === true;
      if (f.tty && !tty) io.err('Unable to use a TTY - input is not a terminal or the right kind of file');
      try {
        const session = await openExec(cri, { namespace: f.namespace, name: pod }, { ...(f.container ? { container: f.container } : {}), command, stdin: f.stdin === true, stdout: true, stderr: !tty, tty }, (frame) => {
          const data = frame.subarray(1);
          if (frame[0] === Channel.Stdout) process.stdout.write(data);
          else if (frame[0] === Channel.Stderr) process.stderr.write(data);
          else if (frame[0] === Channel.Error) status = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
        });
        const frame = (ch: number, data: Buffer | string) => Buffer.concat([Buffer.from([ch]), Buffer.from(data)]);
        const resize = () => void session.write(frame(Channel.Resize, JSON.stringify({ Width: process.stdout.columns ?? 80, Height: process.stdout.rows ?? 24 })));
        if (tty) {
          process.stdin.setRawMode(true);
          resize();
          process.stdout.on('resize', resize);
        }
        if (f.stdin) {
          process.stdin.on('data', (d: Buffer) => void session.write(frame(Channel.Stdin, d)));
          process.stdin.on('end', () => void session.write(Buffer.from([Channel.Close, Channel.Stdin])));
        }
        await session.done;
        process.stdout.off('resize', resize);
      } finally {
        if (tty) process.stdin.setRawMode(false);
        process.stdin.pause();
        cri.close();
      }
      const code = exitCodeOf(status ?? { status: 'Success' });
      if (code instanceof Error) throw code;
      if (code !== 0) {
        io.err(`command terminated with exit code ${code}`);
        // main() knows only kedge's own codes; the command's code is the point of exec, as with kubectl.
        await new Promise<void>((r) => process.stdout.write('', () => r()));
        process.exit(code);
      }
    });
}

interface GetFlags { namespace: string; allNamespaces?: boolean; output?: string; metaserver: string }

const age = (iso: string | undefined): string => {
  if (!iso) return '<unknown>';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.floor(s / 60)}m` : s < 172800 ? `${Math.floor(s / 3600)}h` : `${Math.floor(s / 86400)}d`;
};

/** STATUS as kubectl prints it: a waiting/terminated reason wins over the phase. */
function podStatus(p: any): string {
  if (p.metadata?.deletionTimestamp) return 'Terminating';
  for (const c of p.status?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated?.reason && p.status?.phase !== 'Succeeded') return c.state.terminated.reason;
  }
  return p.status?.reason ?? p.status?.phase ?? 'Unknown';
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n');
}

function getCommand(io: CliIO): Command {
  const get = new Command('get').description('list objects from the edge MetaServer (its local cache, served with the cloud unreachable)');
  get.addCommand(new Command('pods').alias('pod').alias('po')
    .description("this node's pods as the edge knows them")
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-A, --all-namespaces', 'every namespace')
    .option('-o, --output <format>', 'wide, yaml or json')
    .option('--metaserver <url>', "the edge's MetaServer", 'http://127.0.0.1:10550')
    .addHelpText('after', `
Examples:
  kedge ctl get pods
  kedge ctl get pods -A -o wide
  kedge ctl get pods -n kube-system -o yaml --metaserver http://127.0.0.1:10551
`)
    .action(async (f: GetFlags) => {
      if (f.output && !['wide', 'yaml', 'json'].includes(f.output)) throw new UsageError(`--output: unknown format "${f.output}" (want wide, yaml or json)`);
      const path = f.allNamespaces ? '/api/v1/pods' : `/api/v1/namespaces/${encodeURIComponent(f.namespace)}/pods`;
      let res: Response;
      try {
        res = await fetch(new URL(path, f.metaserver));
      } catch (err) {
        throw new ApiError('ServiceUnavailable', `cannot reach the MetaServer at ${f.metaserver} (is kedge edge running? --metaserver): ${(err as Error).message}`);
      }
      const body = (await res.json()) as any;
      if (!res.ok) throw ApiError.fromStatus(body, res.status);
      if (f.output === 'json') return io.out(JSON.stringify(body, null, 2));
      if (f.output === 'yaml') return io.out(stringify(body).trimEnd());
      const items: any[] = body.items ?? [];
      if (!items.length) return io.err(f.allNamespaces ? 'No resources found' : `No resources found in ${f.namespace} namespace.`);
      const wide = f.output === 'wide';
      const rows = [[...(f.allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', ...(wide ? ['IP', 'NODE'] : [])]];
      for (const p of items) {
        const cs: any[] = p.status?.containerStatuses ?? [];
        const total = (p.spec?.containers ?? []).length;
        rows.push([
          ...(f.allNamespaces ? [p.metadata.namespace] : []), p.metadata.name, `${cs.filter((c) => c.ready).length}/${total}`, podStatus(p),
          String(cs.reduce((n, c) => n + (c.restartCount ?? 0), 0)), age(p.metadata.creationTimestamp),
          ...(wide ? [p.status?.podIP ?? '<none>', p.spec?.nodeName ?? '<none>'] : []),
        ]);
      }
      io.out(table(rows));
    }));
  return get;
}

/** `kedge ctl`: edge-local kubectl for when the cloud is away (KubeEdge's `keadm ctl`). */
export function ctlCommand(io: CliIO): Command {
  return new Command('ctl')
    .description("edge-local get/logs/exec against this node's MetaServer and container runtime (works offline)")
    .addHelpText('after', `
Examples:
  kedge ctl get pods -A -o wide
  kedge ctl logs web-5d9c -f --tail 20
  kedge ctl logs web-5d9c --previous
  kedge ctl exec web-5d9c -- sh -c 'cat /etc/hostname'
  kedge ctl exec -it web-5d9c -- sh
  kedge ctl logs web-5d9c --config /var/lib/kedge/edge/edge.yaml
`)
    .addCommand(getCommand(io))
    .addCommand(logsCommand())
    .addCommand(execCommand(io));
}
