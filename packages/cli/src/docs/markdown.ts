// Small Markdown readers for the doc tests (configuration-doc.test.ts): fenced blocks, links and the
// anchors GitHub generates, enough to keep docs/*.md honest without a Markdown dependency.

export interface FencedBlock {
  lang: string;
  text: string;
  /** 1-based line of the opening fence. */
  line: number;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;

/** Every fenced code block, in order. */
export function fencedBlocks(md: string): FencedBlock[] {
  const lines = md.split('\n');
  const out: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trimStart().startsWith(fence)) body.push(lines[j++]!);
    out.push({ lang: open[3] ?? '', text: body.join('\n'), line: i + 1 });
    i = j;
  }
  return out;
}

/** The one YAML block whose first line is `# <title>…`; throws naming the title when there is not exactly one. */
export function yamlBlock(md: string, title: string): string {
  const found = fencedBlocks(md).filter((b) => b.lang === 'yaml' && b.text.split('\n')[0]!.startsWith(`# ${title}`));
  if (found.length !== 1) throw new Error(`expected one \`\`\`yaml block starting "# ${title}", found ${found.length}`);
  return found[0]!.text;
}

/** Markdown text outside fenced blocks and inline code spans (links there are not links). */
export function prose(md: string): string {
  const lines = md.split('\n');
  const keep: string[] = [];
  let fence: string | undefined;
  for (const l of lines) {
    const open = FENCE.exec(l);
    if (fence) {
      if (l.trimStart().startsWith(fence)) fence = undefined;
      keep.push('');
      continue;
    }
    if (open) {
      fence = open[2]!;
      keep.push('');
      continue;
    }
    keep.push(l.replace(/`[^`]*`/g, ''));
  }
  return keep.join('\n');
}

/** Link and image targets (`[x](target)`, `![x](target)`) in the prose, with their line. */
export function links(md: string): Array<{ target: string; line: number }> {
  const out: Array<{ target: string; line: number }> = [];
  prose(md).split('\n').forEach((l, i) => {
    for (const m of l.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ target: m[1]!, line: i + 1 });
  });
  return out;
}

/** GitHub's heading anchor: lowercase, punctuation other than `-` and `_` dropped, spaces to `-`. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Anchors a page offers: its headings' slugs (GitHub numbers repeats `-1`, `-2`) and explicit `<a id>`s. */
export function anchors(md: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  const lines = md.split('\n');
  let fence: string | undefined;
  for (const l of lines) {
    const open = FENCE.exec(l);
    if (fence) {
      if (l.trimStart().startsWith(fence)) fence = undefined;
      continue;
    }
    if (open) {
      fence = open[2]!;
      continue;
    }
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(l);
    if (h) {
      const base = slug(h[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      out.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of l.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]!);
  }
  return out;
}

/** Dotted paths of every leaf of a parsed YAML/JSON value (arrays and empty objects count as leaves). */
export function leafPaths(v: unknown, prefix = ''): string[] {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length === 0) return [prefix];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => leafPaths(x, prefix ? `${prefix}.${k}` : k));
}
