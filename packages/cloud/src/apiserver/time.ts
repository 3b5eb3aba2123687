import { kubeTime, type KubeObject } from '@kedge/api';

/** metav1.Time: RFC 3339 with whole seconds. */
export function formatTime(d: Date): string {
  return kubeTime(d);
}

/** Re-renders a client's timestamp with 6 fractional digits, keeping microseconds when given. */
export function normaliseMicroTime(v: unknown): unknown {
  if (typeof v !== 'string' || v === '') return v;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(v);
  if (!m) return v;
  if (m[3] === 'Z') return `${m[1]}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}Z`;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  const micro = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return `${d.toISOString().slice(0, 19)}.${micro}Z`;
}

export function normaliseTime(v: unknown): unknown {
  if (typeof v !== 'string' || v === '') return v;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : formatTime(d);
}

/** MicroTime fields of Lease and Event (k8s-api.md §5), normalised on every write. */
export function normaliseTimes(kind: string, group: string, obj: KubeObject): void {
  const meta = obj.metadata;
  if (meta.creationTimestamp) meta.creationTimestamp = normaliseTime(meta.creationTimestamp) as string;
  if (meta.deletionTimestamp) meta.deletionTimestamp = normaliseTime(meta.deletionTimestamp) as string;
  if (kind === 'Lease' && group === 'coordination.k8s.io' && obj.spec) {
    for (const f of ['renewTime', 'acquireTime']) if (obj.spec[f]) obj.spec[f] = normaliseMicroTime(obj.spec[f]);
  }
  if (kind === 'Event' && group === '') {
    if (obj.eventTime) obj.eventTime = normaliseMicroTime(obj.eventTime);
    if (obj.series?.lastObservedTime) obj.series.lastObservedTime = normaliseMicroTime(obj.series.lastObservedTime);
    for (const f of ['firstTimestamp', 'lastTimestamp']) if (obj[f]) obj[f] = normaliseTime(obj[f]);
  }
}
