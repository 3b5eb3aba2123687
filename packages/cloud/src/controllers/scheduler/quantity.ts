const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** resource.Quantity as a float of base units ('100m' → 0.1, '1Gi' → 1073741824, '1e3' → 1000); NaN if malformed. */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined || q === null) return 0;
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(q.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  const s = m[3] ?? '';
  return n * (binary[s] ?? decimal[s]!);
}

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
