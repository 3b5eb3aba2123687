import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@kedge/core';
import { resetEdge } from '@kedge/edge/reset/index.js';
import type { FaultProxy } from '@kedge/core/testing/fault-proxy.js';
import type { Cloud } from './cloud.js';
import { runKedge, spawnKedge, terminate, waitForLines, type CliProc } from './proc.js';

export interface EdgeOptions {
  cloud: Cloud;
  name: string;
  /** The edge dials CloudHub through this proxy; the certificate server is reached directly. */
  via?: FaultProxy;
  token?: string;
  labels?: Record<string, string>;
  readyTimeoutMs?: number;
  t?: { after(fn: () => unknown): void };
}

export interface Edge {
  name: string;
  dataDir: string;
  /** http://127.0.0.1:<port> of the edge's MetaServer; updated when the edge is started again. */
  metaUrl: string;
  /** SIGTERM; resolves with the exit code. */
  kill(): Promise<number | null>;
  /** Starts EdgeCore again from its config file (`kedge edge --config`), without a token. */
  start(): Promise<void>;
  stop(): Promise<void>;
  stdout(): string;
  stderrTail(n?: number): string;
}

const META_LINE = /^metaserver listening on (http:\/\/\S+)\s*$/m;

export function joinArgs(o: { cloud: Cloud; name: string; via?: FaultProxy; token: string; dataDir: string; labels?: Record<string, string> }): string[] {
  const hub = o.via ? `127.0.0.1:${o.via.port}` : o.cloud.hubAddress;
  const labels = Object.entries(o.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  return [
    'join', '--cloud', hub, '--token', o.token, '--node-name', o.name, '--data-dir', o.dataDir,
    '--cert-server', o.cloud.certServerUrl, '--tunnel-server', o.cloud.tunnelAddress, '--metaserver-port', '0', '--eventbus-port', '0', '--metrics-port', '0', '--log-level', 'debug',
    ...(labels ? ['--labels', labels] : []),
  ];
}

/** Runs `kedge join` as a child process (through `via` when given) and waits for the MetaServer line. */
export async function startEdge(o: EdgeOptions): Promise<Edge> {
  const dataDir = mkdtempSync(join(tmpdir(), `kedge-edge-${o.name}-`));
  const token = o.token ?? (await o.cloud.getToken());
  const readyMs = o.readyTimeoutMs ?? 30_000;
  let proc: CliProc | undefined;
  let stopped = false;
  const launch = async (args: string[]) => {
    proc = spawnKedge(args);
    const [url] = await waitForLines(proc, [META_LINE], readyMs, `edge ${o.name}`);
    edge.metaUrl = url!;
  };
  const edge: Edge = {
    name: o.name,
    dataDir,
    metaUrl: '',
    kill: async () => (proc ? terminate(proc) : null),
    start: () => launch(['edge', '--config', join(dataDir, 'edge.yaml')]),
    async stop() {
      if (stopped) return;
      stopped = true;
      await edge.kill();
      // Pods the test ran are real containers: `kedge reset`'s code removes them, stops the private
      // containerd and its shims and unmounts their shm, which a plain rm -rf cannot (EBUSY).
      await resetEdge(dataDir, silentLogger()).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
    stdout: () => proc?.out ?? '',
    stderrTail: (n = 4000) => proc?.err.slice(-n) ?? '',
  };
  o.t?.after(() => edge.stop());
  try {
    await launch(joinArgs({ ...o, token, dataDir }));
  } catch (err) {
    await edge.stop();
    throw err;
  }
  return edge;
}

/** `kedge join` expected to fail: its exit code and output (data dir removed afterwards). */
export async function joinExpectingFailure(o: { cloud: Cloud; name: string; token: string; timeoutMs?: number }): Promise<{ code: number | null; out: string; err: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), `kedge-edge-${o.name}-`));
  try {
    return await runKedge(joinArgs({ ...o, dataDir }), o.timeoutMs ?? 30_000);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
