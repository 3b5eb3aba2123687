/** "12s", "4m", "3h", "2d": compact, for tables. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m}m`;
  const hr = Math.round(m / 60);
  if (hr < 48) return `${hr}h`;
  return `${Math.round(hr / 24)}d`;
}

/** "12s ago" for an RFC 3339 time or ms; "never" when absent or unparsable. */
export function ago(t: string | number | undefined, now = Date.now()): string {
  const ms = typeof t === 'number' ? t : t ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? `${duration(now - ms)} ago` : 'never';
}

export function localTime(t: string | number | undefined): string {
  const ms = typeof t === 'number' ? t : t ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toLocaleString() : '';
}
