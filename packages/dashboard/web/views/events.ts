import { fill, h } from '../dom.js';
import { ago, localTime } from '../format.js';
import type { State } from '../state.js';
import type { KEvent } from '../types.js';
import type { View } from './view.js';

const SHOWN = 300;
const when = (e: KEvent) => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '';

/** Cluster events as they arrive, newest first. */
export function eventsView(state: State): View {
  const body = h('tbody');
  const note = h('p', { class: 'count' });
  const el = h('section', { class: 'view events', 'aria-labelledby': 'events-h' },
    h('h1', { id: 'events-h' }, 'Events'), note,
    h('div', { class: 'scroll' }, h('table', null,
      h('thead', null, h('tr', null, ['When', 'Type', 'Reason', 'Object', 'Message'].map((c) => h('th', { scope: 'col' }, c)))), body)));
  function update(): void {
    const all = [...state.events.items.values()].sort((a, b) => Date.parse(when(b)) - Date.parse(when(a)) || (b.metadata.resourceVersion ?? '').localeCompare(a.metadata.resourceVersion ?? ''));
    note.textContent = state.events.synced ? `${all.length} events${all.length > SHOWN ? `, newest ${SHOWN} shown` : ''}` : 'Loading events…';
    fill(body, all.slice(0, SHOWN).map((e) => h('tr', { class: e.type === 'Warning' ? 'warn' : '' },
      h('td', { title: localTime(when(e)) }, ago(when(e))),
      h('td', null, e.type ?? ''), h('td', null, e.reason ?? ''),
      h('td', null, `${e.involvedObject?.kind ?? ''} ${e.involvedObject?.namespace ? `${e.involvedObject.namespace}/` : ''}${e.involvedObject?.name ?? ''}`),
      h('td', null, `${e.message ?? ''}${(e.count ?? 1) > 1 ? ` (×${e.count})` : ''}`))));
  }
  return { el, update, title: 'Events', needs: ['events'] };
}
