import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

/** Builds the binary's own config error (a one-line user error the CLI prints without a stack). */
export type ConfigErrorFactory = (message: string) => Error;

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Merges config layers: maps merge key by key, anything else replaces, `undefined` (an unset flag)
 * never overrides. Keys in `atomic` (e.g. label maps) are replaced whole instead of merged.
 */
export function mergeLayers(base: Record<string, unknown>, over: Record<string, unknown>, atomic: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) && !atomic.has(k) ? mergeLayers(out[k] as Record<string, unknown>, v, atomic) : v;
  }
  return out;
}

/** Reads one YAML config file; an empty file is `{}`, anything but a mapping is an error naming the file. */
export function readYamlConfig(file: string, fail: ConfigErrorFactory): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw fail(`config: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw fail(`config: ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw fail(`config: ${file}: expected a mapping at the top level`);
  return doc;
}

/** `apiserver.port: expected number, received string` / `apiserver: unknown field "prot"`. */
export function describeConfigIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  const where = path ? `${path}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    return `${where}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  const msg = issue.message.replace(/^Invalid input: /, '');
  return where + msg.charAt(0).toLowerCase() + msg.slice(1);
}

/** Validates merged layers with `schema`; every bad field is listed in one `config: …` error. */
export function parseConfig<T>(schema: z.ZodType<T>, merged: Record<string, unknown>, fail: ConfigErrorFactory): T {
  const result = schema.safeParse(merged);
  if (!result.success) throw fail(`config: ${result.error.issues.map(describeConfigIssue).join('; ')}`);
  return result.data;
}
