import { Group, Op, ResType, Source, buildEdgeResource, newMessage, wellKnown, type KubeObject } from '@kedge/api';
import type { Logger, Module } from '@kedge/core';
import type { EdgeLink } from '../edgehub/types.js';

export interface NodeAgentOptions {
  nodeName: string;
  nodeIndex: number;
  link: EdgeLink;
  log: Logger;
  /** Lease renewal period (kubelet: leaseDurationSeconds × 0.25 = 10 s). */
  leaseMs?: number;
  /** Full status report period when nothing changed (kubelet's nodeStatusReportFrequency, 5 min). */
  statusMs?: number;
  registerNamespace?: string;
  now?: () => number;
}

const LEASE_DURATION_S = 40;
const micro = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');
const seconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Registration, node status and lease heartbeats of a hollow node, as edged sends them (kubeedge-reference.md
 * §7): on every connect `insert {ns}/node/{name}` and a lease `insert`, then lease `update`s and
 * NodeStatusRequest `update`s on their periods. Stands in until the sim can reuse `nodestatus/`.
 */
export function createNodeAgent(o: NodeAgentOptions): Module & { registered(): boolean } {
  const log = o.log.child({ module: 'nodeagent' });
  const now = o.now ?? Date.now;
  const ns = o.registerNamespace ?? 'default';
  const leaseMs = o.leaseMs ?? 10_000;
  const statusMs = o.statusMs ?? 300_000;
  const ip = `10.${(o.nodeIndex >> 8) & 255}.${o.nodeIndex & 255}.1`;
  let uid: string | undefined;
  let registered = false;
  let session = 0;
  let timers: NodeJS.Timeout[] = [];

  const status = (): Record<string, unknown> => {
    const t = seconds(now());
    const cond = (type: string, s: string, reason: string) => ({ type, status: s, reason, message: reason, lastHeartbeatTime: t, lastTransitionTime: t });
    const resources = { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '50Gi' };
    return {
      capacity: resources,
      allocatable: resources,
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID'),
        cond('Ready', 'True', 'KubeletReady'),
      ],
      addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: o.nodeName }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10350 } },
      nodeInfo: {
        machineID: '', systemUUID: '', bootID: '', kernelVersion: 'hollow', osImage: 'kedge hollow node',
        containerRuntimeVersion: 'fake://0.1.0', kubeletVersion: 'v1.32.10-kubeedge-kedge-hollow', kubeProxyVersion: '',
        operatingSystem: 'linux', architecture: 'amd64',
      },
    };
  };

  const node = (): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: o.nodeName,
      labels: {
        [wellKnown.edgeRoleLabel]: '', [wellKnown.agentRoleLabel]: '', 'kubernetes.io/hostname': o.nodeName,
        'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'kedge.io/hollow': 'true',
      },
    },
    spec: {},
    status: status(),
  });

  const lease = (): KubeObject => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: o.nodeName, namespace: wellKnown.nodeLeaseNamespace },
    spec: { holderIdentity: o.nodeName, leaseDurationSeconds: LEASE_DURATION_S, renewTime: micro(now()) },
  });

  const msg = (operation: string, type: string, namespace: string, content: unknown) =>
    newMessage({ source: Source.edged, group: Group.meta, operation, resource: buildEdgeResource(namespace, type, o.nodeName), content });

  const sendStatus = (): void => {
    o.link.send(msg(Op.update, ResType.nodeStatus, ns, { UID: uid ?? '', Status: status(), ExtendResources: null }));
  };
  const renewLease = (): void => {
    o.link.send(msg(Op.update, ResType.lease, wellKnown.nodeLeaseNamespace, lease()));
  };

  const stopTimers = (): void => {
    for (const t of timers) clearInterval(t);
    timers = [];
  };

  /** One registration round per connect; a later connect supersedes it. */
  const register = async (mine: number): Promise<void> => {
    try {
      const reply = await o.link.request(msg(Op.insert, ResType.node, ns, node()));
      if (reply.route.operation === Op.error) throw new Error(String(reply.content));
      uid = (reply.content as KubeObject | undefined)?.metadata?.uid ?? uid;
      const l = await o.link.request(msg(Op.insert, ResType.lease, wellKnown.nodeLeaseNamespace, lease()));
      if (l.route.operation === Op.error) throw new Error(String(l.content));
    } catch (err) {
      if (mine !== session) return;
      log.warn({ err: (err as Error).message }, 'registration failed, retrying');
      timers.push(setTimeout(() => void register(mine), 2_000 + Math.random() * 3_000));
      return;
    }
    if (mine !== session) return;
    registered = true;
    // Spread the periodic traffic of many nodes that registered at once.
    timers.push(setInterval(renewLease, leaseMs * (0.9 + 0.2 * Math.random())), setInterval(sendStatus, statusMs * (0.9 + 0.2 * Math.random())));
  };

  o.link.onConnection((event) => {
    session++;
    stopTimers();
    if (event === 'connected') void register(session);
  });

  return {
    name: 'nodeagent',
    registered: () => registered,
    async start(signal: AbortSignal) {
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      session++;
      stopTimers();
    },
  };
}
