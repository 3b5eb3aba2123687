import { ApiError, type KubeObject } from '@kedge/api';

// TODO(kedge): swap for @kedge/api/selectors once it lands; enough of §7's grammar for unit tests.

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

export function matchLabelSelector(selector: string | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return true;
  return splitTop(selector).every((req) => {
    let m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(req);
    if (m) {
      const vals = m[3]!.split(',').map((v) => v.trim());
      const has = m[1]! in labels && vals.includes(labels[m[1]!]!);
      return m[2] === 'in' ? has : !has;
    }
    m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(req);
    if (m) return m[2] === '!=' ? labels[m[1]!] !== m[3] : labels[m[1]!] === m[3];
    if (req.startsWith('!')) return !(req.slice(1).trim() in labels);
    if (/^[^\s!=()]+$/.test(req)) return req in labels;
    throw new ApiError('BadRequest', `unable to parse requirement: ${req}`);
  });
}

export function matchFieldSelector(selector: string | undefined, obj: KubeObject): boolean {
  if (!selector) return true;
  return splitTop(selector).every((req) => {
    const m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(req);
    if (!m) throw new ApiError('BadRequest', `invalid field selector: ${req}`);
    let v: unknown = obj;
    for (const seg of m[1]!.split('.')) v = (v as Record<string, unknown> | undefined)?.[seg];
    const s = v === undefined || v === null ? '' : String(v);
    return m[2] === '!=' ? s !== m[3] : s === m[3];
  });
}
