/**
 * The JSONPath subset CRD printer columns use in practice: `.a.b`, `.a[0]`, `['a.b']`,
 * `[?(@.type=="Ready")]` (also `!=`), optionally wrapped in `{}`. Returns undefined when the
 * path does not resolve, which upstream prints as `<none>`.
 */
export function evalJsonPath(obj: unknown, path: string): unknown {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1).trim();
  let cur: unknown = obj;
  let i = 0;
  while (i < p.length) {
    if (cur === undefined || cur === null) return undefined;
    if (p[i] === '.') {
      i++;
      const m = /^[^.[]+/.exec(p.slice(i));
      if (!m) continue; // `.[0]` and a leading `.` alone
      cur = field(cur, m[0]);
      i += m[0].length;
    } else if (p[i] === '[') {
      const end = closingBracket(p, i);
      if (end < 0) return undefined;
      cur = bracket(cur, p.slice(i + 1, end).trim());
      i = end + 1;
    } else {
      const m = /^[^.[]+/.exec(p.slice(i))!;
      cur = field(cur, m[0]);
      i += m[0].length;
    }
  }
  return cur;
}

function field(cur: unknown, name: string): unknown {
  if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
  return Object.prototype.hasOwnProperty.call(cur, name) ? (cur as Record<string, unknown>)[name] : undefined;
}

function closingBracket(p: string, start: number): number {
  let quote = '';
  for (let j = start + 1; j < p.length; j++) {
    const c = p[j]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ']') return j;
  }
  return -1;
}

const unquote = (s: string): string => s.trim().replace(/^(["'])(.*)\1$/, '$2');

function bracket(cur: unknown, inner: string): unknown {
  if (/^-?\d+$/.test(inner)) {
    if (!Array.isArray(cur)) return undefined;
    const n = Number(inner);
    return cur[n < 0 ? cur.length + n : n];
  }
  if (/^(["']).*\1$/.test(inner)) return field(cur, unquote(inner));
  if (inner === '*') return Array.isArray(cur) ? cur[0] : undefined;
  const f = /^\?\(\s*@((?:\.[^.=!\s]+)+)\s*(==|!=)\s*(.+?)\s*\)$/.exec(inner);
  if (f && Array.isArray(cur)) {
    const want = unquote(f[3]!);
    const hit = cur.find((el) => {
      const v = evalJsonPath(el, f[1]!);
      const s = v === undefined || v === null ? undefined : String(v);
      return f[2] === '==' ? s === want : s !== want;
    });
    return hit;
  }
  return undefined;
}
