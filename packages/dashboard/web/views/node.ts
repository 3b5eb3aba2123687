import { fill, h } from '../dom.js';
import { ago, localTime } from '../format.js';
import { readyStatus, type State } from '../state.js';
import type { Pod } from '../types.js';
import { lag } from './fleet.js';
import { timeline } from './timeline.js';
import type { View } from './view.js';

function podReady(p: Pod): string {
  const cs = p.status?.containerStatuses ?? [];
  const total = p.spec?.containers?.length ?? cs.length;
  return `${cs.filter((c) => c.ready).length}/${total}`;
}

function podStatus(p: Pod): string {
  for (const c of p.status?.containerStatuses ?? []) {
    const waiting = c.state?.['waiting']?.reason ?? c.state?.['terminated']?.reason;
    if (waiting) return waiting;
  }
  return p.status?.reason ?? p.status?.phase ?? 'Pending';
}

/** One node: conditions, CloudHub delivery state (queue depth, in flight, sync lag) and its pods. */
export function nodeView(state: State, name: string): View {
  const body = h('div');
  const el = h('section', { class: 'view node', 'aria-labelledby': 'node-h' },
    h('p', null, h('a', { href: '#/fleet' }, '← Fleet')),
    h('h1', { id: 'node-h' }, name), body);

  function update(): void {
    const n = state.nodes.items.get(`/${name}`);
    if (!n) { fill(body, h('p', { class: 'notice' }, state.nodes.synced ? `Node ${name} does not exist (or was deleted).` : 'Loading…')); return; }
    const f = state.fleet.nodes.get(name);
    const now = Date.now() - state.fleet.skew;
    const pods = (state.podsByNode().get(name) ?? []).sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
    const hb = state.heartbeat(n);
    const info = n.status?.nodeInfo;
    fill(body,
      h('dl', { class: 'facts' },
        h('dt', null, 'State'), h('dd', null, h('span', { class: `badge ${readyStatus(n)}` }, readyStatus(n))),
        h('dt', null, 'CloudHub'), h('dd', null, !state.fleet.cloudcore ? 'not tracked (CloudCore is not running in this server)' : f?.connected ? `connected since ${localTime(f.connectedAt)}` : 'disconnected'),
        h('dt', null, 'Last heartbeat'), h('dd', null, hb === undefined ? 'never' : ago(hb)),
        h('dt', null, 'Queue depth'), h('dd', { 'data-testid': 'queue-depth' }, String(f?.queueDepth ?? 0)),
        h('dt', null, 'In flight'), h('dd', null, String(f?.inFlight ?? 0)),
        h('dt', null, 'Sync lag'), h('dd', { title: 'Time since messages have been waiting for this node' }, lag(f, state.fleet.skew)),
        h('dt', null, 'Version'), h('dd', null, info?.kubeletVersion ?? ''),
        h('dt', null, 'OS'), h('dd', null, [info?.osImage, info?.architecture].filter(Boolean).join(' · ')),
        h('dt', null, 'Addresses'), h('dd', null, (n.status?.addresses ?? []).map((a) => `${a.type} ${a.address}`).join(', '))),
      h('h2', null, 'Connectivity, last hour'), timeline(f, now),
      h('h2', null, 'Conditions'),
      h('div', { class: 'scroll' }, h('table', null,
        h('thead', null, h('tr', null, ['Type', 'Status', 'Reason', 'Heartbeat', 'Message'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, (n.status?.conditions ?? []).map((c) => h('tr', null,
          h('th', { scope: 'row' }, c.type), h('td', null, h('span', { class: `cond ${c.status}` }, c.status)), h('td', null, c.reason ?? ''),
          h('td', null, ago(c.lastHeartbeatTime)), h('td', null, c.message ?? '')))))),
      h('h2', null, `Pods (${pods.length})`),
      pods.length === 0 ? h('p', null, 'No pods are bound to this node.') : h('div', { class: 'scroll' }, h('table', null,
        h('thead', null, h('tr', null, ['Pod', 'Ready', 'Status', 'Restarts', 'Age'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, pods.map((p) => h('tr', null,
          h('th', { scope: 'row' }, `${p.metadata.namespace}/${p.metadata.name}`), h('td', null, podReady(p)), h('td', null, podStatus(p)),
          h('td', null, String((p.status?.containerStatuses ?? []).reduce((s, c) => s + (c.restartCount ?? 0), 0))),
          h('td', null, ago(p.metadata.creationTimestamp))))))));
  }
  const tick = setInterval(update, 1000);
  return { el, update, close: () => clearInterval(tick), title: `Node ${name}`, needs: ['nodes', 'leases', 'pods'] };
}
