import type { KubeObject } from '@kedge/api';
import type { TwinStore } from './twin-store.js';
import { desiredUpdate, emptyTwin, isObj, str } from './twin-rules.js';

/** Device objects from the cloud → the `device` and `device_twin` rows (docs/devices.md "Cloud → twin"). */

interface SpecProperty {
  name: string;
  desired?: string;
}

function specProperties(device: KubeObject): SpecProperty[] {
  const props = (device.spec as { properties?: unknown } | undefined)?.properties;
  if (!Array.isArray(props)) return [];
  const out: SpecProperty[] = [];
  for (const p of props) {
    if (!isObj(p) || typeof p.name !== 'string') continue;
    out.push({ name: p.name, desired: isObj(p.desired) ? str(p.desired.value) : undefined });
  }
  return out;
}

export const modelName = (device: KubeObject): string | undefined => {
  const ref = (device.spec as { deviceModelRef?: { name?: unknown } } | undefined)?.deviceModelRef;
  return typeof ref?.name === 'string' ? ref.name : undefined;
};

/** Writes the device's rows; returns whether a desired value of an existing twin changed. */
export function syncDeviceRows(db: TwinStore, d: KubeObject, model: KubeObject | undefined, now: number): boolean {
  const ns = d.metadata.namespace ?? 'default';
  const name = d.metadata.name ?? '';
  const id = `${ns}/${name}`;
  const types = new Map<string, string>();
  const mprops = (model?.spec as { properties?: unknown } | undefined)?.properties;
  if (Array.isArray(mprops)) for (const p of mprops) if (isObj(p) && typeof p.name === 'string' && typeof p.type === 'string') types.set(p.name, p.type);
  let desiredChanged = false;
  db.transaction(() => {
    db.upsertDevice(id, name, d.metadata.annotations?.['kubeedge.io/description'] ?? '');
    const twins = db.twins(id);
    const wanted = new Set<string>();
    for (const p of specProperties(d)) {
      wanted.add(p.name);
      const cur = twins.get(p.name) ?? { ...emptyTwin(p.name), attrType: types.get(p.name) ?? '' };
      const next = desiredUpdate(cur, p.desired, now);
      if (next && twins.has(p.name)) desiredChanged = true;
      const row = next ?? cur;
      if (types.has(p.name)) row.attrType = types.get(p.name) ?? row.attrType;
      if (next || !twins.has(p.name) || row.attrType !== twins.get(p.name)?.attrType) db.putTwin(id, row);
    }
    // The Device spec is the truth for which properties exist.
    for (const k of twins.keys()) if (!wanted.has(k)) db.deleteTwin(id, k);
  });
  return desiredChanged;
}
