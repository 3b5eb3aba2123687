import { cloneJson, isObject } from './json-value.js';

/**
 * RFC 7386 JSON Merge Patch: objects merge recursively, `null` removes a member, anything else
 * (lists included) replaces. Returns a new value; neither input is mutated.
 */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return cloneJson(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = jsonMergePatch(out[k], v);
  }
  // Members copied from target were shared by reference; clone so callers may mutate the result.
  for (const k of Object.keys(out)) if (!Object.hasOwn(patch, k)) out[k] = cloneJson(out[k]);
  return out;
}
