import { HttpError, type Api } from '../api.js';
import { h } from '../dom.js';
import { ago, localTime } from '../format.js';
import { devicePath, type State } from '../state.js';
import type { Device, TwinValue } from '../types.js';
import type { View } from './view.js';

/** KubeEdge twin metadata.timestamp is ms since the epoch as a string; accept RFC 3339 too. */
function changedAt(v: TwinValue | undefined): number | undefined {
  const t = v?.metadata?.['timestamp'];
  if (!t) return undefined;
  const n = /^\d+$/.test(t) ? Number(t) : Date.parse(t);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Writes a desired value. spec.properties is a list, which a merge patch replaces whole: read the
 * Device, change the one entry, and send the list with the resourceVersion read, so a concurrent
 * writer makes us re-read (409) instead of being overwritten.
 */
export async function setDesired(api: Api, ns: string, name: string, prop: string, value: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const d = await api.json<Device>('GET', devicePath(ns, name));
    const props = structuredClone(d.spec?.properties ?? []);
    const p = props.find((x) => x.name === prop);
    if (!p) throw new Error(`device ${ns}/${name} has no property ${prop} in spec.properties`);
    p.desired = { ...(p.desired ?? {}), value };
    try {
      await api.json('PATCH', devicePath(ns, name), { metadata: { resourceVersion: d.metadata.resourceVersion }, spec: { properties: props } }, 'application/merge-patch+json');
      return;
    } catch (err) {
      if (!(err instanceof HttpError && err.status === 409) || attempt >= 4) throw err;
    }
  }
}

interface PropRow { tr: HTMLTableRowElement; desired: HTMLElement; reported: HTMLElement; changed: HTMLElement; input: HTMLInputElement; status: HTMLElement; dirty: boolean }
interface Card { el: HTMLElement; facts: HTMLElement; tbody: HTMLElement; rows: Map<string, PropRow> }

/** Each device's twins, desired beside reported, with a form per property to set the desired value. */
export function devicesView(state: State): View {
  const list = h('div', { class: 'devices' });
  const note = h('p', { class: 'count' });
  const el = h('section', { class: 'view', 'aria-labelledby': 'devices-h' }, h('h1', { id: 'devices-h' }, 'Devices'), note, list);
  const cards = new Map<string, Card>();

  function card(key: string, d: Device): Card {
    let c = cards.get(key);
    if (c) return c;
    const id = `dev-${key.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
    const facts = h('p', { class: 'facts-line' });
    const tbody = h('tbody');
    const el = h('article', { class: 'device', 'aria-labelledby': id, 'data-device': key },
      h('h2', { id }, d.metadata.name, h('span', { class: 'ns' }, ` ${d.metadata.namespace}`)), facts,
      h('div', { class: 'scroll' }, h('table', null,
        h('caption', { class: 'sr-only' }, `Twins of ${d.metadata.name}`),
        h('thead', null, h('tr', null, ['Property', 'Desired', 'Reported', 'Last change', 'Set desired'].map((t) => h('th', { scope: 'col' }, t)))), tbody)));
    c = { el, facts, tbody, rows: new Map() };
    cards.set(key, c);
    return c;
  }

  function row(c: Card, d: Device, prop: string): PropRow {
    let r = c.rows.get(prop);
    if (r) return r;
    const inputId = `in-${d.metadata.namespace}-${d.metadata.name}-${prop}`.replace(/[^a-zA-Z0-9_-]/g, '_');
    const input = h('input', { id: inputId, name: 'value', autocomplete: 'off', onInput: () => { r!.dirty = true; } });
    const status = h('span', { class: 'save-status', role: 'status' });
    const form = h('form', { class: 'desired-form', onSubmit: (e) => {
      e.preventDefault();
      status.textContent = 'Saving…';
      setDesired(state.api, d.metadata.namespace ?? 'default', d.metadata.name, prop, input.value)
        .then(() => { status.textContent = 'Saved'; r!.dirty = false; })
        .catch((err: Error) => { status.textContent = `Failed: ${err.message}`; });
    } },
    h('label', { for: inputId, class: 'sr-only' }, `Desired value of ${prop} on ${d.metadata.name}`), input, h('button', { type: 'submit' }, 'Set'), status);
    const desired = h('td', { class: 'desired' });
    const reported = h('td', { class: 'reported' });
    const changed = h('td', { class: 'changed' });
    const tr = h('tr', { 'data-prop': prop }, h('th', { scope: 'row' }, prop), desired, reported, changed, h('td', null, form));
    r = { tr, desired, reported, changed, input, status, dirty: false };
    c.rows.set(prop, r);
    return r;
  }

  function update(): void {
    const devices = [...state.devices.items.entries()].sort(([a], [b]) => a.localeCompare(b));
    note.textContent = !state.devices.synced ? (state.devices.error ? `Devices unavailable: ${state.devices.error}` : 'Loading devices…') : devices.length ? `${devices.length} devices` : 'No devices yet. Create a DeviceModel and a Device (devices.kubeedge.io/v1beta1) and they appear here.';
    for (const key of cards.keys()) if (!state.devices.items.has(key)) { cards.get(key)!.el.remove(); cards.delete(key); }
    devices.forEach(([key, d], i) => {
      const c = card(key, d);
      if (list.children[i] !== c.el) list.insertBefore(c.el, list.children[i] ?? null);
      const spool = d.status?.extensions?.spool;
      c.facts.textContent = [
        `State: ${d.status?.state || 'unknown'}`,
        d.spec?.nodeName ? `node ${d.spec.nodeName}` : 'no node',
        d.spec?.protocol?.protocolName ? `protocol ${d.spec.protocol.protocolName}` : '',
        `last online ${d.status?.lastOnlineTime ? ago(d.status.lastOnlineTime) : 'never'}`,
        `buffered ${spool?.buffered ?? 0}${spool?.bufferedBytes ? ` (${spool.bufferedBytes} B)` : ''}`,
        `dropped ${spool?.dropped ?? 0}`,
      ].filter(Boolean).join(' · ');
      const twins = new Map((d.status?.twins ?? []).map((t) => [t.propertyName, t]));
      const names = [...new Set([...(d.spec?.properties ?? []).map((p) => p.name), ...twins.keys()])];
      for (const p of [...c.rows.keys()]) if (!names.includes(p)) { c.rows.get(p)!.tr.remove(); c.rows.delete(p); }
      names.forEach((prop, j) => {
        const r = row(c, d, prop);
        if (c.tbody.children[j] !== r.tr) c.tbody.insertBefore(r.tr, c.tbody.children[j] ?? null);
        const desired = d.spec?.properties?.find((p) => p.name === prop)?.desired?.value;
        const twin = twins.get(prop);
        const reported = twin?.reported?.value;
        const at = changedAt(twin?.reported);
        r.desired.textContent = desired ?? '—';
        r.reported.textContent = reported ?? '—';
        r.reported.classList.toggle('differs', desired !== undefined && reported !== undefined && desired !== reported);
        r.changed.textContent = at === undefined ? '' : ago(at);
        r.changed.title = at === undefined ? '' : localTime(at);
        if (!r.dirty && document.activeElement !== r.input) r.input.value = desired ?? '';
      });
    });
  }
  const tick = setInterval(update, 1000);
  return { el, update, close: () => clearInterval(tick), title: 'Devices', needs: ['devices'] };
}
