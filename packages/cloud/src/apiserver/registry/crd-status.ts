import type { KubeObject } from '@kedge/api';
import { formatTime } from '../time.js';

/** NamesAccepted + Established True at once (kubectl wait --for condition=established, Helm). */
export function crdStatusFor(crd: KubeObject): Record<string, unknown> {
  const names = crd.spec?.names ?? {};
  const accepted = { ...names, singular: names.singular || String(names.kind ?? '').toLowerCase(), listKind: names.listKind || `${names.kind}List` };
  const prev = (crd.status?.conditions ?? []) as Array<{ type: string; lastTransitionTime?: string }>;
  const since = (type: string) => prev.find((c) => c.type === type)?.lastTransitionTime ?? formatTime(new Date());
  const stored = new Set<string>(Array.isArray(crd.status?.storedVersions) ? crd.status.storedVersions : []);
  for (const v of (crd.spec?.versions ?? []) as Array<{ name: string; storage?: boolean }>) if (v?.storage) stored.add(v.name);
  return {
    conditions: [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: since('NamesAccepted') },
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: since('Established') },
    ],
    acceptedNames: accepted,
    storedVersions: [...stored],
  };
}
