import { svg } from '../dom.js';
import { duration } from '../format.js';
import type { FleetNode } from '../types.js';

const HOUR = 3_600_000;

/** The last hour as one bar: green connected, red disconnected, grey before the cloud first saw the node. */
export function timeline(f: FleetNode | undefined, now: number): SVGSVGElement {
  const start = now - HOUR;
  let up = 0;
  const rects = (f?.history ?? []).map((s) => {
    const from = Math.max(s.from, start);
    const to = Math.min(s.to, now);
    if (to <= from) return null;
    if (s.connected) up += to - from;
    return svg('rect', { x: (from - start) / 1000, y: 0, width: Math.max((to - from) / 1000, 4), height: 1, class: s.connected ? 'up' : 'down' });
  });
  const label = f ? `Connected ${duration(up)} of the last hour` : 'No connection history';
  return svg('svg', { class: 'timeline', viewBox: '0 0 3600 1', preserveAspectRatio: 'none', role: 'img', 'aria-label': label },
    svg('title', null, label), svg('rect', { x: 0, y: 0, width: 3600, height: 1, class: 'none' }), rects);
}
