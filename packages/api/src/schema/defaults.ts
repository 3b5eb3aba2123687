import { cloneJson, isObject } from '../patch/json-value.js';
import type { JSONSchema, SchemaComponents } from './types.js';
import { resolveSchema } from './validate.js';

/**
 * Structural defaulting as apiextensions-apiserver does it (k8s.io/apiextensions-apiserver
 * pkg/apiserver/schema/defaulting): an absent property with a `default` gets a deep copy of it, and
 * a `null` in a non-nullable property with a default is replaced (CRD docs, "Defaulting and
 * Nullable"). Defaults are then defaulted themselves. Present values are never overwritten.
 * Mutates `value` in place.
 */
export function applyDefaults(value: unknown, schema: JSONSchema, components: SchemaComponents): void {
  const s = resolveSchema(schema, components);
  if (Array.isArray(value)) {
    if (s.items) for (const item of value) applyDefaults(item, s.items, components);
    return;
  }
  if (!isObject(value)) return;
  const props = s.properties ?? {};
  for (const [name, raw] of Object.entries(props)) {
    const prop = resolveSchema(raw, components);
    if (prop.default === undefined) continue;
    const current = value[name];
    if (current === undefined || (current === null && prop.nullable !== true)) value[name] = cloneJson(prop.default);
  }
  const extra = s.additionalProperties;
  for (const [key, child] of Object.entries(value)) {
    const childSchema = props[key] ?? (isObject(extra) ? (extra as JSONSchema) : undefined);
    if (childSchema) applyDefaults(child, childSchema, components);
  }
}
