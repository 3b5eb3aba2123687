import { parseQuantity, type KubeObject } from '@kedge/api';
import type { LinuxContainerResources, PortMapping, Protocol } from '../../cri/index.js';

// kubelet's cgroup arithmetic (pkg/kubelet/cm/helpers_linux.go): shares from the cpu request (min 2),
// CFS quota from the cpu limit over a 100 ms period (min 1 ms), memory limit in bytes.
const MIN_SHARES = 2;
const SHARES_PER_CPU = 1024;
const QUOTA_PERIOD_US = 100_000;
const MIN_QUOTA_US = 1000;

interface Resources {
  limits?: Record<string, unknown>;
  requests?: Record<string, unknown>;
}

const milli = (q: unknown): number => {
  const v = parseQuantity(q);
  return Number.isFinite(v) ? Math.round(v * 1000) : 0;
};
const bytes = (q: unknown): number => {
  const v = parseQuantity(q);
  return Number.isFinite(v) ? Math.ceil(v) : 0;
};

/** A request absent but a limit set means request = limit (the API server's defaulting). */
function request(r: Resources | undefined, name: string): unknown {
  return r?.requests?.[name] ?? r?.limits?.[name];
}

export function linuxResources(r: Resources | undefined): LinuxContainerResources {
  const reqMilli = milli(request(r, 'cpu'));
  const out: LinuxContainerResources = { cpuShares: Math.max(MIN_SHARES, Math.floor((reqMilli * SHARES_PER_CPU) / 1000)) };
  const limMilli = milli(r?.limits?.cpu);
  if (limMilli > 0) {
    out.cpuPeriod = QUOTA_PERIOD_US;
    out.cpuQuota = Math.max(MIN_QUOTA_US, Math.floor((limMilli * QUOTA_PERIOD_US) / 1000));
  }
  const mem = bytes(r?.limits?.memory);
  if (mem > 0) out.memoryLimitInBytes = mem;
  return out;
}

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** pkg/apis/core/helper/qos: Guaranteed when every container limits cpu and memory with requests equal. */
export function qosClass(pod: KubeObject): QosClass {
  const all = [...((pod.spec?.initContainers ?? []) as Array<{ resources?: Resources }>), ...((pod.spec?.containers ?? []) as Array<{ resources?: Resources }>)];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const r = c.resources;
    for (const name of ['cpu', 'memory']) {
      const lim = r?.limits?.[name];
      const req = request(r, name);
      if (lim !== undefined || req !== undefined) any = true;
      if (lim === undefined || parseQuantity(req) !== parseQuantity(lim)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Container ports with a hostPort become sandbox port mappings (portmap CNI plugin); host network needs none. */
export function portMappings(pod: KubeObject): PortMapping[] {
  if (pod.spec?.hostNetwork) return [];
  const out: PortMapping[] = [];
  for (const c of (pod.spec?.containers ?? []) as Array<{ ports?: Array<{ containerPort: number; hostPort?: number; hostIP?: string; protocol?: Protocol }> }>) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      const m: PortMapping = { protocol: p.protocol ?? 'TCP', containerPort: p.containerPort, hostPort: p.hostPort };
      if (p.hostIP) m.hostIp = p.hostIP;
      out.push(m);
    }
  }
  return out;
}
