import { h } from '../dom.js';
import { ago, duration } from '../format.js';
import { readyStatus, type State } from '../state.js';
import { VirtualList } from '../vlist.js';
import type { FleetNode } from '../types.js';
import { timeline } from './timeline.js';
import type { View } from './view.js';

interface Row { name: string; ready: string; link: 'online' | 'offline' | 'unknown'; heartbeat: number | undefined; version: string; pods: number; fleet: FleetNode | undefined }

const narrow = window.matchMedia('(max-width: 640px)');

/** Every node: readiness, CloudHub connection, last heartbeat, the hour's timeline, version, pods; filter + search. */
export function fleetView(state: State): View {
  let filter = 'all';
  let query = '';
  let rows: Row[] = [];
  const count = h('p', { class: 'count', 'aria-live': 'polite' });
  const list = new VirtualList<Row>('Nodes', () => (narrow.matches ? 76 : 48), (r) => r.name, (r) => renderRow(r, state));
  const search = h('input', { id: 'fleet-search', type: 'search', placeholder: 'name contains…', autocomplete: 'off', onInput: (e) => { query = (e.target as HTMLInputElement).value.trim().toLowerCase(); update(); } });
  const select = h('select', { id: 'fleet-filter', onChange: (e) => { filter = (e.target as HTMLSelectElement).value; update(); } },
    ['all', 'Ready', 'NotReady', 'Unknown', 'online', 'offline'].map((v) => h('option', { value: v }, v === 'all' ? 'All nodes' : v === 'online' ? 'Connected to CloudHub' : v === 'offline' ? 'Disconnected from CloudHub' : v)));
  const el = h('section', { class: 'view fleet', 'aria-labelledby': 'fleet-h' },
    h('h1', { id: 'fleet-h' }, 'Fleet'),
    h('div', { class: 'toolbar', role: 'search' },
      h('label', { for: 'fleet-search' }, 'Search'), search,
      h('label', { for: 'fleet-filter' }, 'State'), select, count),
    h('div', { class: 'vhead', 'aria-hidden': 'true' }, h('span', null, 'Node'), h('span', null, 'State'), h('span', null, 'Heartbeat'), h('span', null, 'Last hour'), h('span', null, 'Version'), h('span', null, 'Pods')),
    list.el);

  function update(): void {
    const pods = state.podsByNode();
    const all: Row[] = [];
    for (const n of state.nodes.items.values()) {
      const f = state.fleet.nodes.get(n.metadata.name);
      all.push({
        name: n.metadata.name,
        ready: readyStatus(n),
        link: !state.fleet.cloudcore ? 'unknown' : f?.connected ? 'online' : 'offline',
        heartbeat: state.heartbeat(n),
        version: n.status?.nodeInfo?.kubeletVersion ?? '',
        pods: pods.get(n.metadata.name)?.length ?? 0,
        fleet: f,
      });
    }
    all.sort((a, b) => a.name.localeCompare(b.name));
    rows = all.filter((r) => (filter === 'all' || r.ready === filter || r.link === filter) && (!query || r.name.toLowerCase().includes(query)));
    const ready = all.filter((r) => r.ready === 'Ready').length;
    count.textContent = state.nodes.synced ? `${rows.length} shown · ${all.length} nodes · ${ready} Ready` : 'Loading nodes…';
    list.setItems(rows);
  }
  const tick = setInterval(() => list.render(), 1000);
  return { el, update, close: () => clearInterval(tick), title: 'Fleet', needs: ['nodes', 'leases', 'pods'] };
}

function renderRow(r: Row, state: State): HTMLElement {
  const now = Date.now() - state.fleet.skew;
  const linkText = r.link === 'online' ? 'connected' : r.link === 'offline' ? 'disconnected' : '';
  return h('div', { class: `row ${r.ready}` },
    h('a', { class: 'name', href: `#/node/${encodeURIComponent(r.name)}` }, r.name),
    h('span', { class: 'state' }, h('span', { class: `badge ${r.ready}` }, r.ready), linkText && h('span', { class: `link ${r.link}` }, linkText)),
    h('span', { class: 'beat', title: 'Time since last heartbeat' }, r.heartbeat === undefined ? 'no heartbeat' : ago(r.heartbeat)),
    timeline(r.fleet, now),
    h('span', { class: 'version' }, r.version),
    h('span', { class: 'pods', title: `${r.pods} pods` }, `${r.pods} pods`));
}

export const lag = (f: FleetNode | undefined, skew: number): string =>
  f?.pendingSince === undefined ? 'in sync' : duration(Date.now() - skew - f.pendingSince);
