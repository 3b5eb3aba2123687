import { parseQuantity } from '@kedge/api';

export interface Resources {
  cpu: number;
  memory: number;
  pods: number;
}

/** Sum of container requests (init containers: the max, as upstream's effective request). */
export function podRequests(pod: { spec?: any }): Resources {
  const sum = { cpu: 0, memory: 0, pods: 1 };
  for (const c of pod.spec?.containers ?? []) {
    sum.cpu += parseQuantity(c.resources?.requests?.cpu) || 0;
    sum.memory += parseQuantity(c.resources?.requests?.memory) || 0;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    sum.cpu = Math.max(sum.cpu, parseQuantity(c.resources?.requests?.cpu) || 0);
    sum.memory = Math.max(sum.memory, parseQuantity(c.resources?.requests?.memory) || 0);
  }
  return sum;
}

/** Node allocatable (falling back to capacity); a node that reports nothing gets no resource limit but pods=110. */
export function nodeAllocatable(node: { status?: any }): Resources {
  const a = node.status?.allocatable ?? node.status?.capacity ?? {};
  const num = (v: unknown, dflt: number) => {
    const n = parseQuantity(v as string);
    return v === undefined || Number.isNaN(n) ? dflt : n;
  };
  return { cpu: num(a.cpu, Infinity), memory: num(a.memory, Infinity), pods: num(a.pods, 110) };
}
