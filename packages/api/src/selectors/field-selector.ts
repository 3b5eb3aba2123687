import { ApiError } from '../errors.js';
import type { KubeObject } from '../meta.js';

export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  field: string;
  operator: FieldOperator;
  value: string;
}

/** A conjunction of field requirements; empty selects everything. */
export interface FieldSelector {
  requirements: FieldRequirement[];
}

// Leftmost operator wins, trying `!=` and `==` before `=` at each position (fields.splitTerm).
const OPERATORS: FieldOperator[] = ['!=', '==', '='];

/** Splits on unescaped commas; `\,` `\=` `\\` escapes are kept for unescaping per part. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ',') {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

function unescape(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\') {
      const n = v[i + 1];
      if (n !== '\\' && n !== ',' && n !== '=') throw new ApiError('BadRequest', `invalid field selector: invalid escape sequence in "${v}"`);
      out += n;
      i++;
    } else if (v[i] === ',' || v[i] === '=') {
      throw new ApiError('BadRequest', `invalid field selector: unescaped "${v[i]}" in "${v}"`);
    } else out += v[i];
  }
  return out;
}

function splitTerm(term: string): FieldRequirement | undefined {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === '\\') {
      i++;
      continue;
    }
    for (const op of OPERATORS) {
      if (term.startsWith(op, i)) {
        return { field: term.slice(0, i).trim(), operator: op, value: unescape(term.slice(i + op.length).trim()) };
      }
    }
  }
  return undefined;
}

/** Parses the `fieldSelector` query parameter: `=`, `==`, `!=` terms joined by commas. */
export function parseFieldSelector(s: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const part of splitTerms(s)) {
    if (part.trim() === '') continue;
    const r = splitTerm(part);
    if (!r || r.field === '') {
      throw new ApiError('BadRequest', `invalid selector: '${s}'; can't understand '${part}'`);
    }
    requirements.push(r);
  }
  return { requirements };
}

/** Missing fields read as "" (fields.Set.Get), so `spec.nodeName=` selects unscheduled pods. */
export function matchFields(sel: FieldSelector, fields: Record<string, string>): boolean {
  return sel.requirements.every((r) => {
    const v = fields[r.field] ?? '';
    return r.operator === '!=' ? v !== r.value : v === r.value;
  });
}

/** The value a selector pins `field` to with `=`/`==`, if any (e.g. `metadata.name` for single-object watches). */
export function exactFieldValue(sel: FieldSelector, field: string): string | undefined {
  return sel.requirements.find((r) => r.field === field && r.operator !== '!=')?.value;
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const bool = (v: unknown): string => (v === true ? 'true' : 'false');

type FieldFn = (o: KubeObject) => Record<string, string>;

// Selectable fields per resource as upstream registers them (pkg/registry/*/strategy.go *ToSelectableFields).
const perResource: Record<string, FieldFn> = {
  pods: (o) => ({
    'spec.nodeName': str(o.spec?.nodeName),
    'spec.restartPolicy': str(o.spec?.restartPolicy),
    'spec.schedulerName': str(o.spec?.schedulerName),
    'spec.serviceAccountName': str(o.spec?.serviceAccountName),
    'spec.hostNetwork': bool(o.spec?.hostNetwork),
    'status.phase': str(o.status?.phase),
    'status.podIP': str(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP),
    'status.nominatedNodeName': str(o.status?.nominatedNodeName),
  }),
  events: (o) => ({
    'involvedObject.kind': str(o.involvedObject?.kind),
    'involvedObject.namespace': str(o.involvedObject?.namespace),
    'involvedObject.name': str(o.involvedObject?.name),
    'involvedObject.uid': str(o.involvedObject?.uid),
    'involvedObject.apiVersion': str(o.involvedObject?.apiVersion),
    'involvedObject.resourceVersion': str(o.involvedObject?.resourceVersion),
    'involvedObject.fieldPath': str(o.involvedObject?.fieldPath),
    reason: str(o.reason),
    reportingComponent: str(o.reportingComponent),
    source: str(o.source?.component),
    type: str(o.type),
  }),
  nodes: (o) => ({ 'spec.unschedulable': bool(o.spec?.unschedulable) }),
  namespaces: (o) => ({ 'status.phase': str(o.status?.phase) }),
  secrets: (o) => ({ type: str(o.type) }),
  'apps/replicasets': (o) => ({ 'status.replicas': String(Number(o.status?.replicas ?? 0)) }),
};
perResource['replicasets'] = perResource['apps/replicasets']!;

/** Reads a `.a.b.c` path (CRD selectableFields jsonPath) as a field-selector string. */
function readPath(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const seg of path.replace(/^\./, '').split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[seg];
  }
  return typeof cur === 'object' ? '' : str(cur);
}

/**
 * Field set of an object for `resource` (plural, or `group/plural` for non-core). `extraFields` are a
 * CRD's selectableFields, given as paths like `spec.color` (a leading dot is ignored).
 */
export function fieldSetFor(resource: string, obj: KubeObject, extraFields: readonly string[] = []): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.name': str(obj.metadata?.name) };
  // Upstream DefaultClusterScopedAttr omits metadata.namespace; selecting on it is still allowed for namespaced kinds.
  fields['metadata.namespace'] = str(obj.metadata?.namespace);
  Object.assign(fields, perResource[resource]?.(obj) ?? {});
  for (const f of extraFields) {
    const name = f.replace(/^\./, '');
    fields[name] = readPath(obj, name);
  }
  return fields;
}

export function supportedFields(resource: string, extraFields: readonly string[] = []): string[] {
  const probe = perResource[resource]?.({ metadata: {} }) ?? {};
  return ['metadata.name', 'metadata.namespace', ...Object.keys(probe), ...extraFields.map((f) => f.replace(/^\./, ''))];
}

/** Rejects selectors on fields the resource cannot be selected by, like upstream's field label conversion. */
export function validateFieldSelector(resource: string, sel: FieldSelector, extraFields: readonly string[] = []): void {
  const ok = new Set(supportedFields(resource, extraFields));
  for (const r of sel.requirements) {
    if (!ok.has(r.field)) throw new ApiError('BadRequest', `field label not supported: ${r.field}`);
  }
}
