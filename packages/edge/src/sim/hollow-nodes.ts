import { setMaxListeners } from 'node:events';
import { Agent } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, type KubeObject } from '@kedge/api';
import type { Logger } from '@kedge/core';
import { fetchTrustedCA, requestEdgeCert } from '../bootstrap/bootstrap.js';
import { createEdgeHub, type EdgeHub } from '../edgehub/edgehub.js';
import { createMetaManager } from '../metamanager/meta-manager.js';
import { createFakeRuntime } from './fake-runtime.js';
import { createMapStore } from './map-store.js';
import { createNodeStatus } from '../nodestatus/node-status.js';
import type { HostFacts } from '../nodestatus/host-info.js';
import { untilAborted } from '@kedge/core';

export interface HollowProgress {
  total: number;
  /** Nodes holding a certificate. */
  joined: number;
  /** Nodes whose link to CloudHub is up now. */
  connected: number;
  /** Nodes whose registration the cloud has accepted (their Node is cached). */
  registered: number;
  failed: number;
}

export interface HollowNodesOptions {
  count: number;
  /** CloudHub, host:port. */
  cloud: string;
  /** Certificate server URL; default https://{cloud host}:10002. */
  certServer?: string;
  token: string;
  namePrefix?: string;
  log: Logger;
  signal: AbortSignal;
  /** Certificate requests in flight at once (each is a key generation plus one HTTPS round trip). */
  concurrency?: number;
  /** Joins are spread evenly over this window, with jitter (default count × 2 ms). */
  joinSpreadMs?: number;
  /** Lease renewal period (edged: 10 s). */
  leaseMs?: number;
  /** NodeStatusRequest period; default 60 s rather than edged's 10 s so thousands of nodes fit one API server (leases carry liveness). */
  statusMs?: number;
  heartbeatMs?: number;
  /** Called about once a second while running, and when the node count connected changes to all. */
  onProgress?: (p: HollowProgress) => void;
  /** Every pod object a hollow node's cache accepts (benchmarks time dispatch with it). */
  onPod?: (node: string, op: 'insert' | 'update' | 'delete', pod: KubeObject) => void;
}

/** Default KubeEdge certificate server on the CloudHub host. */
export function defaultCertServer(cloud: string): string {
  const i = cloud.lastIndexOf(':');
  return `https://${i > 0 ? cloud.slice(0, i) : cloud}:10002`;
}

/** What a hollow node claims to run on; pod IPs of node i come from 10.{i/256}.{i%256}.0/24. */
function hostFacts(name: string, i: number): HostFacts {
  return {
    hostname: name, cpuCores: 4, memoryBytes: 8 * 2 ** 30, memoryAvailableBytes: 6 * 2 ** 30, diskBytes: 50 * 2 ** 30, diskAvailableBytes: 40 * 2 ** 30,
    machineID: '', systemUUID: '', bootID: '', kernelVersion: 'hollow', osImage: 'kedge hollow node', operatingSystem: 'linux', architecture: 'amd64',
    internalIP: `10.${(i >> 8) & 255}.${i & 255}.1`,
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * N simulated edge nodes in one process: each runs the real EdgeHub and MetaManager (on an in-memory
 * store), registers itself and renews its lease like edged, and a fake runtime reports its pods
 * Running. The CA is fetched once and shared; node certificates are issued in memory. Resolves after
 * `signal` aborts and every node has stopped; rejects if the CA cannot be obtained.
 */
export async function runHollowNodes(o: HollowNodesOptions): Promise<void> {
  if (!Number.isInteger(o.count) || o.count < 1) throw new ApiError('BadRequest', `--nodes must be a positive integer, got ${o.count}`);
  const log = o.log.child({ module: 'sim' });
  const certServer = o.certServer ?? defaultCertServer(o.cloud);
  const prefix = o.namePrefix ?? 'hollow-';
  const width = String(o.count - 1).length;
  const concurrency = o.concurrency ?? 16;
  const spreadMs = o.joinSpreadMs ?? o.count * 2;
  const caPem = await fetchTrustedCA({ certServer, token: o.token });
  // One keep-alive agent for all certificate requests: a TLS handshake per join cost both processes more
  // than the signing itself (profile, docs/benchmarks.md round 4). The CA is pinned per request as before.
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: caPem });
  // Each node gets its own AbortSignal, aborted from one listener on o.signal: Node's EventTarget scans its
  // listener list on every add/remove, so thousands of nodes × several listeners on one shared signal made
  // every dial and sleep O(nodes) (2.8 s of the hollow process's CPU at 2 000 nodes).
  const nodeAborts = new Set<AbortController>();
  // The join workers' sleeps listen here rather than on the caller's signal (more than its 10-listener warning).
  const joining = new AbortController();
  setMaxListeners(0, joining.signal);
  const abortAll = (): void => {
    joining.abort(o.signal.reason);
    for (const ac of nodeAborts) ac.abort(o.signal.reason);
  };
  o.signal.addEventListener('abort', abortAll, { once: true });
  if (o.signal.aborted) abortAll();
  const p: HollowProgress = { total: o.count, joined: 0, connected: 0, registered: 0, failed: 0 };
  const hubs: EdgeHub[] = [];
  const registered: Array<() => boolean> = [];
  const running: Promise<void>[] = [];
  // Per-node logs go to one child at warn so 5,000 nodes do not flood the output.
  const nodeLog = log.child({}, { level: log.isLevelEnabled('info') && !log.isLevelEnabled('debug') ? 'warn' : log.level });

  const progress = (): void => {
    p.registered = registered.filter((r) => r()).length;
    o.onProgress?.({ ...p });
  };

  const startNode = async (i: number): Promise<void> => {
    const name = `${prefix}${pad(i, width)}`;
    let cert: { certPem: string; keyPem: string } | undefined;
    for (let attempt = 0; !cert && !o.signal.aborted; attempt++) {
      try {
        cert = await requestEdgeCert({ certServer, token: o.token, nodeName: name, caPem, agent });
      } catch (err) {
        log.warn({ node: name, err: (err as Error).message, attempt }, 'certificate request failed');
        if (attempt >= 4) {
          p.failed++;
          return;
        }
        await sleep(500 * 2 ** attempt, undefined, { signal: joining.signal }).catch(() => {});
      }
    }
    if (!cert || o.signal.aborted) return;
    p.joined++;
    const tls = { caPem, certPem: cert.certPem, keyPem: cert.keyPem };
    const hub = createEdgeHub({ server: o.cloud, nodeName: name, tls, log: nodeLog, ...(o.heartbeatMs ? { heartbeatMs: o.heartbeatMs } : {}) });
    const store = createMapStore();
    const meta = createMetaManager({ store, link: hub, nodeName: name, log: nodeLog });
    const runtime = createFakeRuntime({ nodeName: name, nodeIndex: i, link: hub, log: nodeLog });
    meta.onObject((op, edgeType, obj) => {
      runtime.onObject(op, edgeType, obj);
      if (edgeType === 'pod' && o.onPod) o.onPod(name, op, obj);
    });
    const status = createNodeStatus({
      link: hub, store, nodeName: name, labels: { 'kedge.io/hollow': 'true' }, dataDir: '', log: nodeLog,
      updateMs: o.statusMs ?? 60_000, leaseMs: o.leaseMs ?? 10_000, probe: () => hostFacts(name, i),
    });
    hub.onConnection((e) => {
      p.connected += e === 'connected' ? 1 : -1;
      if (p.connected === p.total) progress();
    });
    hubs.push(hub);
    registered.push(() => store.get('node', undefined, name) !== undefined);
    const nodeAbort = new AbortController();
    nodeAborts.add(nodeAbort);
    if (o.signal.aborted) nodeAbort.abort(o.signal.reason);
    running.push(
      Promise.all([hub.start(nodeAbort.signal), meta.start(nodeAbort.signal), status.start(nodeAbort.signal)])
        .then(() => store.close())
        .catch((err) => log.error({ err, node: name }, 'hollow node failed')),
    );
  };

  const ticker = setInterval(progress, 1000);
  try {
    // Bounded-concurrency join queue; start times are spread over spreadMs so CloudHub sees a ramp.
    const t0 = Date.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!o.signal.aborted && next < o.count) {
        const i = next++;
        const at = t0 + (spreadMs * i) / o.count + Math.random() * Math.min(50, spreadMs / o.count);
        if (at > Date.now()) await sleep(at - Date.now(), undefined, { signal: joining.signal }).catch(() => {});
        if (o.signal.aborted) break;
        await startNode(i);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, o.count) }, worker));
    log.info({ joined: p.joined, failed: p.failed }, 'hollow nodes started');
    progress();
    await untilAborted(o.signal);
    await Promise.all(running);
  } finally {
    clearInterval(ticker);
    agent.destroy();
    o.signal.removeEventListener('abort', abortAll);
  }
  progress();
  log.info({ nodes: hubs.length }, 'hollow nodes stopped');
}
