/** metav1.Time on the wire: RFC 3339 with whole seconds (`2026-01-01T00:00:00Z`), as Go decoders expect. */
export function kubeTime(t: number | Date = Date.now()): string {
  return new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
}
