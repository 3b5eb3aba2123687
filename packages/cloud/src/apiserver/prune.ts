/** Splits `spec.containers[0].foo` (or `spec.x[key]`) into path segments. */
export function parseFieldPath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out;
}

/** Drops the fields the schema check reported as unknown, so they are not persisted (upstream pruning). */
export function pruneFields(obj: unknown, paths: string[]): void {
  for (const p of paths) {
    const segs = parseFieldPath(p);
    if (segs.length === 0) continue;
    let cur: any = obj;
    for (let i = 0; i < segs.length - 1 && cur !== undefined && cur !== null; i++) cur = cur[segs[i]!];
    const last = segs[segs.length - 1]!;
    if (cur && typeof cur === 'object' && !Array.isArray(cur) && typeof last === 'string') delete cur[last];
  }
}
