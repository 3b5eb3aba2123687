import type { FieldError } from '../errors.js';
import { isObject, jsonEqual, jsonTypeName } from '../patch/json-value.js';
import type { JSONSchema, SchemaComponents } from './types.js';

const refPrefix = '#/components/schemas/';
const cache = new WeakMap<SchemaComponents, WeakMap<JSONSchema, JSONSchema>>();

/**
 * Flattens `$ref` and `allOf` into one schema. The schema's own keys win over referenced ones,
 * because upstream OpenAPI v3 puts `default`, `description` and the x-kubernetes-patch-* extensions
 * next to `allOf: [{$ref}]`. Unknown refs resolve to `{}` (accept anything) rather than failing.
 */
export function resolveSchema(schema: JSONSchema, components: SchemaComponents): JSONSchema {
  if (schema.$ref === undefined && schema.allOf === undefined) return schema;
  let byComponents = cache.get(components);
  if (!byComponents) cache.set(components, (byComponents = new WeakMap()));
  const hit = byComponents.get(schema);
  if (hit) return hit;
  const resolved = flatten(schema, components, 0);
  byComponents.set(schema, resolved);
  return resolved;
}

function flatten(schema: JSONSchema, components: SchemaComponents, depth: number): JSONSchema {
  // A ref chain that never reaches a concrete schema would loop forever.
  if (depth > 32) return {};
  const { $ref, allOf, ...own } = schema;
  let out: JSONSchema = {};
  if ($ref !== undefined) {
    const target = $ref.startsWith(refPrefix) ? components[$ref.slice(refPrefix.length)] : undefined;
    if (target) out = mergeSchemas(out, flatten(target, components, depth + 1));
  }
  for (const part of allOf ?? []) out = mergeSchemas(out, flatten(part, components, depth + 1));
  return mergeSchemas(out, own);
}

function mergeSchemas(base: JSONSchema, over: JSONSchema): JSONSchema {
  const out: JSONSchema = { ...base, ...over };
  if (base.properties && over.properties) out.properties = { ...base.properties, ...over.properties };
  if (base.required && over.required) out.required = [...new Set([...base.required, ...over.required])];
  return out;
}

export interface ValidationResult {
  errors: FieldError[];
  /** Dotted paths of fields the schema does not know, e.g. `spec.template.spec.containers[0].foo`. */
  unknownFields: string[];
}

export interface ValidateOptions {
  /** Prefix for every reported path, e.g. `spec` when validating only the spec. */
  basePath?: string;
}

/**
 * Validates a decoded JSON value against an OpenAPI v3 (Kubernetes structural) schema. Messages
 * follow apiextensions-apiserver / kube-openapi wording. Unknown fields are returned, not reported
 * as errors: whether they are fatal depends on `fieldValidation` (Strict/Warn/Ignore).
 */
export function validateValue(value: unknown, schema: JSONSchema, components: SchemaComponents, opts: ValidateOptions = {}): ValidationResult {
  const result: ValidationResult = { errors: [], unknownFields: [] };
  walk(value, schema, opts.basePath ?? '', { components, result });
  return result;
}

interface Ctx {
  components: SchemaComponents;
  result: ValidationResult;
}

const simpleKey = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const childPath = (base: string, key: string): string => (base === '' ? key : `${base}.${key}`);
// Map keys such as `app.kubernetes.io/name` would make a dotted path ambiguous; upstream's field.Path uses [key] for them.
const mapKeyPath = (base: string, key: string): string => (simpleKey.test(key) ? childPath(base, key) : `${base}[${key}]`);
const indexPath = (base: string, i: number): string => `${base}[${i}]`;

/** How Go's field errors print a bad value: strings quoted, numbers/bools bare, the rest as JSON. */
function showValue(v: unknown): string {
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

function fail(ctx: Ctx, field: string, reason: string, message: string): void {
  ctx.result.errors.push({ field, reason, message });
}

function invalidValue(ctx: Ctx, field: string, value: unknown, detail: string): void {
  fail(ctx, field, 'FieldValueInvalid', `Invalid value: ${showValue(value)}: ${field} in body ${detail}`);
}

function typeMatches(type: NonNullable<JSONSchema['type']>, v: unknown): boolean {
  switch (type) {
    case 'object': return isObject(v);
    case 'array': return Array.isArray(v);
    case 'string': return typeof v === 'string';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'boolean': return typeof v === 'boolean';
  }
}

function walk(value: unknown, raw: JSONSchema, path: string, ctx: Ctx): void {
  const s = resolveSchema(raw, ctx.components);
  // Non-nullable nulls are dropped before validation upstream (Go decoding / CRD pruning), so they pass.
  if (value === null || value === undefined) return;

  if (s['x-kubernetes-int-or-string']) {
    if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) {
      typeError(ctx, path, 'integer,string', value);
      return;
    }
  } else if (s.type && !typeMatches(s.type, value)) {
    typeError(ctx, path, s.type, value);
    return;
  }

  if (s.enum && !s.enum.some((e) => jsonEqual(e, value))) {
    fail(ctx, path, 'FieldValueNotSupported', `Unsupported value: ${showValue(value)}: supported values: ${s.enum.map(showValue).join(', ')}`);
  }

  if (typeof value === 'number') checkNumber(value, s, path, ctx);
  else if (typeof value === 'string') checkString(value, s, path, ctx);
  else if (Array.isArray(value)) checkArray(value, s, path, ctx);
  else if (isObject(value)) checkObject(value, s, path, ctx);
}

function typeError(ctx: Ctx, path: string, want: string, value: unknown): void {
  const got = jsonTypeName(value);
  fail(ctx, path, 'FieldValueTypeInvalid', `Invalid value: "${got}": ${path || 'body'} in body must be of type ${want}: "${got}"`);
}

function checkNumber(v: number, s: JSONSchema, path: string, ctx: Ctx): void {
  if (s.minimum !== undefined && v < s.minimum) invalidValue(ctx, path, v, `should be greater than or equal to ${s.minimum}`);
  if (s.maximum !== undefined && v > s.maximum) invalidValue(ctx, path, v, `should be less than or equal to ${s.maximum}`);
}

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function checkString(v: string, s: JSONSchema, path: string, ctx: Ctx): void {
  // kube-openapi counts characters (runes), not UTF-16 units or bytes.
  const len = [...v].length;
  if (s.minLength !== undefined && len < s.minLength) invalidValue(ctx, path, v, `should be at least ${s.minLength} chars long`);
  if (s.maxLength !== undefined && len > s.maxLength) fail(ctx, path, 'FieldValueTooLong', `Too long: may not be more than ${s.maxLength} bytes`);
  if (s.pattern !== undefined) {
    const re = compilePattern(s.pattern);
    if (re && !re.test(v)) invalidValue(ctx, path, v, `should match '${s.pattern}'`);
  }
  if (s.format === 'byte' && !base64.test(v)) invalidValue(ctx, path, v, 'must be of format byte (base64)');
}

const patterns = new Map<string, RegExp | null>();
function compilePattern(p: string): RegExp | null {
  if (!patterns.has(p)) {
    let re: RegExp | null = null;
    try {
      re = new RegExp(p, 'u');
    } catch {
      // A pattern JS cannot compile (RE2/Go-only syntax) is skipped rather than rejecting every value.
    }
    patterns.set(p, re);
  }
  return patterns.get(p) ?? null;
}

function checkArray(v: unknown[], s: JSONSchema, path: string, ctx: Ctx): void {
  if (s.minItems !== undefined && v.length < s.minItems) invalidValue(ctx, path, v.length, `should have at least ${s.minItems} items`);
  if (s.maxItems !== undefined && v.length > s.maxItems) fail(ctx, path, 'FieldValueTooMany', `Too many: ${v.length}: must have at most ${s.maxItems} items`);
  if (s.items) v.forEach((item, i) => walk(item, s.items!, indexPath(path, i), ctx));
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set') {
    v.forEach((item, i) => {
      if (v.slice(0, i).some((prev) => jsonEqual(prev, item))) fail(ctx, indexPath(path, i), 'FieldValueDuplicate', `Duplicate value: ${showValue(item)}`);
    });
  } else if (listType === 'map') {
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    const seen: unknown[] = [];
    v.forEach((item, i) => {
      if (!isObject(item) || keys.length === 0) return;
      const key = Object.fromEntries(keys.filter((k) => item[k] !== undefined).map((k) => [k, item[k]]));
      if (seen.some((prev) => jsonEqual(prev, key))) fail(ctx, indexPath(path, i), 'FieldValueDuplicate', `Duplicate value: ${JSON.stringify(key)}`);
      seen.push(key);
    });
  }
}

const embeddedFields = new Set(['apiVersion', 'kind', 'metadata']);

function checkObject(v: Record<string, unknown>, s: JSONSchema, path: string, ctx: Ctx): void {
  const props = s.properties ?? {};
  for (const name of s.required ?? []) {
    const present = Object.hasOwn(v, name) && (v[name] !== null || resolveSchema(props[name] ?? {}, ctx.components).nullable === true);
    if (!present) fail(ctx, childPath(path, name), 'FieldValueRequired', 'Required value');
  }
  const extra = s.additionalProperties;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  for (const [key, child] of Object.entries(v)) {
    const propSchema = props[key];
    if (propSchema) walk(child, propSchema, childPath(path, key), ctx);
    else if (isObject(extra)) walk(child, extra, mapKeyPath(path, key), ctx);
    else if (s.properties && extra !== true && !preserve && !(embedded && embeddedFields.has(key))) {
      ctx.result.unknownFields.push(childPath(path, key));
    }
  }
}
