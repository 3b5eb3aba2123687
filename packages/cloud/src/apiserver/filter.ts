import type { KubeObject } from '@kedge/api';
import { fieldSetFor, matchFields, matchLabels, parseFieldSelector, parseLabelSelector, validateFieldSelector } from '@kedge/api/selectors/index.js';
import type { ResourceDef } from './registry/types.js';

export interface ObjectFilter {
  /** No selector given: everything matches. */
  readonly all: boolean;
  matches(obj: KubeObject): boolean;
}

/** labelSelector + fieldSelector of a list/watch request; bad selectors throw 400. */
export function buildFilter(def: ResourceDef, q: URLSearchParams): ObjectFilter {
  const ls = q.get('labelSelector');
  const fs = q.get('fieldSelector');
  const lsel = ls ? parseLabelSelector(ls) : undefined;
  const fsel = fs ? parseFieldSelector(fs) : undefined;
  if (fsel) validateFieldSelector(def.selectorResource, fsel, def.extraFields);
  if (!lsel && !fsel) return { all: true, matches: () => true };
  return {
    all: false,
    matches(obj: KubeObject): boolean {
      if (lsel && !matchLabels(lsel, obj.metadata?.labels ?? {})) return false;
      if (fsel && !matchFields(fsel, fieldSetFor(def.selectorResource, obj))) return false;
      return true;
    },
  };
}
