import { kubeTime, wellKnown, type KubeObject } from '@kedge/api';
import { kubeletVersion, type HostFacts } from './host-info.js';

/** The kubelet's read-only port, which KubeEdge reports as the kubelet endpoint (cloudstream may replace it). */
export const KUBELET_PORT = 10350;
export const MAX_PODS = '110';

// Kubelet's default hard eviction thresholds (memory.available<100Mi, nodefs.available<10%) and a
// 10 % floor for PIDs: the same signals, checked when the status is built.
const MEMORY_AVAILABLE_MIN = 100 * 1024 * 1024;
const DISK_AVAILABLE_MIN_RATIO = 0.1;
const PID_AVAILABLE_MIN_RATIO = 0.1;

/** Kubernetes Time: RFC 3339 UTC in whole seconds. */
export { kubeTime };
/** Kubernetes MicroTime: RFC 3339 UTC with exactly six fractional digits. */
export const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

const ki = (bytes: number): string => `${Math.floor(bytes / 1024)}Ki`;

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** Remembers when each condition last changed status, for lastTransitionTime. */
export class ConditionClock {
  private readonly since = new Map<string, { status: string; at: number }>();
  transitionAt(c: Condition, now: number): number {
    const prev = this.since.get(c.type);
    if (prev && prev.status === c.status) return prev.at;
    this.since.set(c.type, { status: c.status, at: now });
    return now;
  }
}

export function conditions(h: HostFacts): Condition[] {
  const memLow = h.memoryAvailableBytes !== undefined && h.memoryAvailableBytes < MEMORY_AVAILABLE_MIN;
  const diskLow = h.diskBytes > 0 && h.diskAvailableBytes / h.diskBytes < DISK_AVAILABLE_MIN_RATIO;
  const pidLow = h.pids !== undefined && (h.pids.max - h.pids.used) / h.pids.max < PID_AVAILABLE_MIN_RATIO;
  return [
    { type: 'Ready', status: 'True', reason: 'EdgeReady', message: 'edge is posting ready status' },
    memLow
      ? { type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'edge has insufficient memory available' }
      : { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'edge has sufficient memory available' },
    diskLow
      ? { type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure', message: 'edge has disk pressure' }
      : { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'edge has no disk pressure' },
    pidLow
      ? { type: 'PIDPressure', status: 'True', reason: 'KubeletHasInsufficientPID', message: 'edge has insufficient PID available' }
      : { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'edge has sufficient PID available' },
  ];
}

/** A v1 NodeStatus from the host facts. */
export function nodeStatus(h: HostFacts, now: number, clock: ConditionClock): Record<string, unknown> {
  const resources = { cpu: String(h.cpuCores), memory: ki(h.memoryBytes), pods: MAX_PODS, 'ephemeral-storage': ki(h.diskBytes) };
  const addresses = [...(h.internalIP ? [{ type: 'InternalIP', address: h.internalIP }] : []), { type: 'Hostname', address: h.hostname }];
  return {
    capacity: resources,
    allocatable: { ...resources },
    conditions: conditions(h).map((c) => ({ ...c, lastHeartbeatTime: kubeTime(now), lastTransitionTime: kubeTime(clock.transitionAt(c, now)) })),
    addresses,
    // DaemonEndpoint's JSON key really is capitalised `Port` (k8s.io/api core/v1 types.go).
    daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
    nodeInfo: {
      machineID: h.machineID,
      systemUUID: h.systemUUID,
      bootID: h.bootID,
      kernelVersion: h.kernelVersion,
      osImage: h.osImage,
      // Empty without a runtime (Edged's no-runtime fallback), as kubelet leaves it.
      containerRuntimeVersion: h.containerRuntimeVersion ?? '',
      kubeletVersion: kubeletVersion(),
      kubeProxyVersion: '',
      operatingSystem: h.operatingSystem,
      architecture: h.architecture,
    },
  };
}

export interface NodeIdentity {
  name: string;
  labels: Record<string, string>;
}

/** The Node edged registers: kubelet's well-known labels plus the configured ones (which may not drop the edge role). */
export function nodeObject(id: NodeIdentity, h: HostFacts, status: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: id.name,
      labels: {
        'kubernetes.io/hostname': id.name,
        'kubernetes.io/os': h.operatingSystem,
        'kubernetes.io/arch': h.architecture,
        ...id.labels,
        [wellKnown.edgeRoleLabel]: '',
        [wellKnown.agentRoleLabel]: '',
      },
    },
    spec: {},
    status,
  };
}

export function leaseObject(name: string, durationSeconds: number, now: number): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: wellKnown.nodeLeaseNamespace },
    spec: { holderIdentity: name, leaseDurationSeconds: durationSeconds, renewTime: microTime(now) },
  };
}
