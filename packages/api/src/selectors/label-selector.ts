import { ApiError } from '../errors.js';

/** Operators of a parsed label requirement (apimachinery `selection.Operator`). */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Sorted, de-duplicated; empty for exists/!. */
  values: string[];
}

/**
 * A conjunction of requirements. `nothing` is upstream's `labels.Nothing()`: what a null
 * metav1.LabelSelector converts to, and it matches no object at all.
 */
export interface LabelSelector {
  requirements: LabelRequirement[];
  nothing?: boolean;
}

/** metav1.LabelSelector as stored in Deployment/ReplicaSet/DaemonSet specs. */
export interface MetaLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

const NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function fail(message: string): never {
  throw new ApiError('BadRequest', `unable to parse requirement: ${message}`);
}

/** Qualified-name check of label keys (validation.IsQualifiedName); returns a problem or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) return 'prefix part must be non-empty';
    if (prefix.length > 253) return 'prefix part must be no more than 253 characters';
    if (!DNS1123_SUBDOMAIN_RE.test(prefix)) return 'prefix part must be a lowercase RFC 1123 subdomain';
  } else if (parts.length > 2) {
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'";
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!NAME_RE.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** validation.IsValidLabelValue: empty is allowed. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (value !== '' && !NAME_RE.test(value)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

function requirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const kp = labelKeyProblem(key);
  if (kp) fail(`key: Invalid value: "${key}": ${kp}`);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) fail("values: Invalid value: for 'in', 'notin' operators, values set can't be empty");
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) fail('values: Invalid value: exact-match compatibility requires one single value');
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) fail("values: Invalid value: values set must be empty for exists and does not exist");
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1 || !/^-?\d+$/.test(values[0]!)) fail(`values: Invalid value: for 'Gt', 'Lt' operators, the value must be an integer`);
      break;
  }
  for (const v of values) {
    const vp = labelValueProblem(v);
    if (vp) fail(`values[0]: Invalid value: "${v}": ${vp}`);
  }
  return { key, operator, values: [...new Set(values)].sort() };
}

/** Splits on commas that are not inside parentheses (`a in (x,y),b`). */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
    if (depth < 0 || depth > 1) fail(`unbalanced parentheses in "${s}"`);
  }
  if (depth !== 0) fail(`unbalanced parentheses in "${s}"`);
  out.push(s.slice(start));
  return out;
}

// Characters the upstream lexer treats as token boundaries inside an identifier.
const IDENT = String.raw`[^\s=!<>(),]+`;
const SET_RE = new RegExp(String.raw`^(${IDENT})\s+(in|notin)\s*\(([^()]*)\)$`);
const CMP_RE = new RegExp(String.raw`^(${IDENT})\s*(==|!=|=|>|<)\s*([^\s=!<>(),]*)$`);
const EXISTS_RE = new RegExp(String.raw`^(${IDENT})$`);
const NOT_EXISTS_RE = new RegExp(String.raw`^!\s*(${IDENT})$`);

function parseTerm(term: string): LabelRequirement {
  let m = NOT_EXISTS_RE.exec(term);
  if (m) return requirement(m[1]!, '!', []);
  m = SET_RE.exec(term);
  if (m) {
    const inner = m[3]!.trim();
    // Upstream reads `()` as the set {""}.
    const values = inner === '' ? [''] : inner.split(',').map((v) => v.trim());
    for (const v of values) if (/\s/.test(v)) fail(`found '${v}', expected: ',', ')' or identifier`);
    return requirement(m[1]!, m[2] as LabelOperator, values);
  }
  m = CMP_RE.exec(term);
  if (m) {
    const op = m[2] === '>' ? 'gt' : m[2] === '<' ? 'lt' : (m[2] as LabelOperator);
    return requirement(m[1]!, op, [m[3]!]);
  }
  m = EXISTS_RE.exec(term);
  if (m) return requirement(m[1]!, 'exists', []);
  fail(`found '${term}', expected: identifier, '!', 'in', 'notin', '=', '==', '!='`);
}

/** Parses the `labelSelector` query parameter; the empty string selects everything. */
export function parseLabelSelector(s: string): LabelSelector {
  const trimmed = s.trim();
  if (trimmed === '') return { requirements: [] };
  const requirements = splitTerms(trimmed).map((t) => {
    const term = t.trim();
    if (term === '') fail(`found '', expected: identifier in "${s}"`);
    return parseTerm(term);
  });
  return { requirements: sortByKey(requirements) };
}

function sortByKey(reqs: LabelRequirement[]): LabelRequirement[] {
  return [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function matchRequirement(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(value!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(value!)) return false;
      const l = BigInt(value!);
      const v = BigInt(r.values[0]!);
      return r.operator === 'gt' ? l > v : l < v;
    }
  }
}

export function matchLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  if (sel.nothing) return false;
  const l = labels ?? {};
  return sel.requirements.every((r) => matchRequirement(r, l));
}

/** True when the selector places no constraint (`labels.Everything()`). */
export function isEmptySelector(sel: LabelSelector): boolean {
  return !sel.nothing && sel.requirements.length === 0;
}

/**
 * metav1.LabelSelectorAsSelector: undefined/null matches nothing, `{}` matches everything,
 * matchLabels become equality requirements. A bad operator or key is a BadRequest.
 */
export function labelSelectorFromMeta(sel: MetaLabelSelector | null | undefined): LabelSelector {
  if (sel === undefined || sel === null) return { requirements: [], nothing: true };
  const reqs: LabelRequirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push(requirement(k, '=', [v]));
  for (const e of sel.matchExpressions ?? []) {
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In': reqs.push(requirement(e.key, 'in', values)); break;
      case 'NotIn': reqs.push(requirement(e.key, 'notin', values)); break;
      case 'Exists': reqs.push(requirement(e.key, 'exists', values)); break;
      case 'DoesNotExist': reqs.push(requirement(e.key, '!', values)); break;
      default: fail(`"${String((e as { operator: unknown }).operator)}" is not a valid label selector operator`);
    }
  }
  return { requirements: sortByKey(reqs) };
}

/** Selector.String(): requirements sorted by key, `app=web,tier in (a,b),!x`. */
export function labelSelectorString(sel: LabelSelector): string {
  return sel.requirements
    .map((r) => {
      switch (r.operator) {
        case 'exists': return r.key;
        case '!': return `!${r.key}`;
        case 'in':
        case 'notin': return `${r.key} ${r.operator} (${r.values.join(',')})`;
        case 'gt': return `${r.key}>${r.values[0]}`;
        case 'lt': return `${r.key}<${r.values[0]}`;
        default: return `${r.key}${r.operator}${r.values[0]}`;
      }
    })
    .join(',');
}

/** String form of a metav1.LabelSelector, as Scale.status.selector and `kubectl get -o wide` show it. */
export function formatLabelSelector(meta: MetaLabelSelector | null | undefined): string {
  return labelSelectorString(labelSelectorFromMeta(meta));
}

/** labels.FormatLabels: sorted `k=v` pairs, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}
