import { ApiError } from '../errors.js';
import type { JSONSchema, SchemaComponents } from '../schema/types.js';
import { resolveSchema } from '../schema/validate.js';
import { cloneJson, isObject, jsonEqual, type JsonObject } from './json-value.js';
import { type KeyOf, mergeOrdered, partitionByPresence } from './list-order.js';

// Directive names from apimachinery pkg/util/strategicpatch.
const directive = '$patch';
const retainKeys = '$retainKeys';
const setOrderPrefix = '$setElementOrder/';
const deletePrimitivePrefix = '$deleteFromPrimitiveList/';

/** Returned by mergeMap for `$patch: delete`; the parent then drops the key. */
const DELETED = Symbol('deleted');

interface FieldMeta {
  /** Schema of the field itself (for maps) */
  schema?: JSONSchema;
  /** Schema of the list elements (for lists) */
  items?: JSONSchema;
  /** 'merge' | 'replace' | '' with retainKeys stripped, as extractRetainKeysPatchStrategy does */
  strategy: string;
  mergeKey?: string;
}

interface Ctx {
  components: SchemaComponents;
}

const bad = (message: string): ApiError => new ApiError('BadRequest', message);

/**
 * Kubernetes strategic merge patch (application/strategic-merge-patch+json), applied server-side
 * as apimachinery's StrategicMergeMapPatch does (MergeParallelList and IgnoreUnmatchedNulls on).
 * Merge keys and strategies come from `x-kubernetes-patch-merge-key` / `x-kubernetes-patch-strategy`
 * in `schema`; where no schema is known, maps merge and lists are replaced. Malformed patches are
 * 400 BadRequest. Neither input is mutated.
 */
export function strategicMergePatch(original: unknown, patch: unknown, schema: JSONSchema | undefined, components: SchemaComponents): unknown {
  if (!isObject(patch)) throw bad('strategic merge patch must be a JSON object');
  const base = isObject(original) ? cloneJson(original) : {};
  const out = mergeMap(base, cloneJson(patch), schema, { components });
  return out === DELETED ? {} : out;
}

function fieldMeta(parent: JSONSchema | undefined, key: string, ctx: Ctx): FieldMeta {
  if (!parent) return { strategy: '' };
  const p = resolveSchema(parent, ctx.components);
  const raw = p.properties?.[key] ?? (isObject(p.additionalProperties) ? (p.additionalProperties as JSONSchema) : undefined);
  if (!raw) return { strategy: '' };
  const f = resolveSchema(raw, ctx.components);
  const strategies = (f['x-kubernetes-patch-strategy'] ?? '').split(',').map((s) => s.trim()).filter((s) => s && s !== 'retainKeys');
  return { schema: raw, items: f.items, strategy: strategies[0] ?? '', mergeKey: f['x-kubernetes-patch-merge-key'] };
}

function mergeMap(original: JsonObject, patch: JsonObject, schema: JSONSchema | undefined, ctx: Ctx): JsonObject | typeof DELETED {
  if (Object.hasOwn(patch, directive)) {
    const d = patch[directive];
    delete patch[directive];
    if (d === 'delete') return DELETED;
    // `replace`: the patch is the new value; merging it into {} strips nested directives and nulls.
    if (d === 'replace') return mergeMap({}, patch, schema, ctx);
    if (d !== 'merge') throw bad(`unknown patch type: ${JSON.stringify(d)} in map: ${JSON.stringify(patch)}`);
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, schema, ctx);

  for (const [k, pv] of Object.entries(patch)) {
    if (k.startsWith(deletePrimitivePrefix)) {
      deleteFromPrimitiveList(original, k.slice(deletePrimitivePrefix.length), pv);
      continue;
    }
    if (pv === null) {
      delete original[k];
      continue;
    }
    const meta = fieldMeta(schema, k, ctx);
    const ov = original[k];
    let merged: unknown;
    if (isObject(ov) && isObject(pv)) {
      merged = meta.strategy === 'replace' ? mergeMap({}, pv, meta.schema, ctx) : mergeMap(ov, pv, meta.schema, ctx);
    } else if (Array.isArray(ov) && Array.isArray(pv)) {
      merged = mergeList(ov, pv, meta, ctx);
    } else {
      // Absent in the original or a different JSON type: the patch value wins, cleaned of directives.
      merged = fresh(pv, meta, ctx);
    }
    if (merged === DELETED) delete original[k];
    else original[k] = merged;
  }
  return original;
}

/** A patch value with nothing to merge into: strip directives (and nulls) by merging into empty. */
function fresh(pv: unknown, meta: FieldMeta, ctx: Ctx): unknown {
  if (isObject(pv)) return mergeMap({}, pv, meta.schema, ctx);
  if (Array.isArray(pv)) return mergeList([], pv, meta, ctx);
  return pv;
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, retainKeys)) return;
  const keep = patch[retainKeys];
  delete patch[retainKeys];
  if (!Array.isArray(keep)) throw bad('invalid patch format of retainKeys');
  const allowed = new Set(keep.map(String));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(deletePrimitivePrefix) || k.startsWith(setOrderPrefix) || k === directive) continue;
    if (!allowed.has(k)) throw bad(`invalid patch format of retainKeys: field "${k}" is in the patch but not in $retainKeys`);
  }
  for (const k of Object.keys(original)) if (!allowed.has(k)) delete original[k];
}

function deleteFromPrimitiveList(original: JsonObject, field: string, values: unknown): void {
  if (!field) throw bad('invalid patch format of primitive list');
  if (!Array.isArray(values)) throw bad(`invalid patch format of primitive list: ${deletePrimitivePrefix}${field} must be a list`);
  const list = original[field];
  if (!Array.isArray(list)) return;
  original[field] = list.filter((x) => !values.some((v) => jsonEqual(v, x)));
}

const isMarker = (x: unknown): x is JsonObject => isObject(x) && Object.hasOwn(x, directive);

function keyOfFor(mergeKey: string | undefined, sample: readonly unknown[]): KeyOf {
  const maps = sample.some(isObject);
  if (maps && mergeKey) return (x) => (isObject(x) ? x[mergeKey] : undefined);
  return (x) => x;
}

/**
 * `$setElementOrder/<field>` (apimachinery mergePatchIntoOriginal): merge the field's patch list,
 * then order the result — items named in the directive follow its order, server-only items keep
 * their live position relative to them. The field's patch list is consumed here.
 */
function applySetElementOrder(original: JsonObject, patch: JsonObject, schema: JSONSchema | undefined, ctx: Ctx): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(setOrderPrefix)) continue;
    const order = patch[key];
    delete patch[key];
    const field = key.slice(setOrderPrefix.length);
    if (!field || !Array.isArray(order)) throw bad('invalid patch format of setElementOrder list');
    const meta = fieldMeta(schema, field, ctx);
    const hasPatch = Object.hasOwn(patch, field);
    const pl = patch[field];
    if (pl === null) continue; // an explicit delete of the list; the main loop removes it
    if (hasPatch && !Array.isArray(pl)) throw bad(`invalid patch format of setElementOrder list: ${field} must be a list`);
    const ol = Array.isArray(original[field]) ? (original[field] as unknown[]) : undefined;
    const patchList = hasPatch ? (pl as unknown[]) : undefined;
    const keyOf = keyOfFor(meta.mergeKey, [...order, ...(ol ?? []), ...(patchList ?? [])]);
    if (patchList) checkOrderMatchesPatch(patchList, order, keyOf, field);

    let merged: unknown[];
    if (ol && patchList) merged = mergeList(ol, patchList, meta, ctx);
    else if (patchList) merged = mergeList([], patchList, meta, ctx);
    else if (ol) merged = ol;
    else continue;
    const [inOrder, serverOnly] = partitionByPresence(merged, order, keyOf);
    original[field] = mergeOrdered(inOrder, serverOnly, order, ol ?? [], keyOf);
    delete patch[field];
  }
}

/** validatePatchWithSetOrderList: non-directive patch items must appear in the order list, in the same relative order. */
function checkOrderMatchesPatch(patchList: unknown[], order: unknown[], keyOf: KeyOf, field: string): void {
  const items = patchList.filter((x) => !isMarker(x));
  let pi = 0;
  for (let oi = 0; pi < items.length && oi < order.length; oi++) {
    if (jsonEqual(keyOf(items[pi]), keyOf(order[oi]))) pi++;
  }
  if (pi < items.length) throw bad(`the order in the patch list of "${field}" doesn't match the ${setOrderPrefix}${field} list`);
}

function mergeList(original: unknown[], patch: unknown[], meta: FieldMeta, ctx: Ctx): unknown[] {
  if (meta.strategy !== 'merge') return replaceList(patch, meta, ctx);
  if (original.length === 0 && patch.length === 0) return [];
  const values = [...original, ...patch.filter((x) => !isMarker(x))];
  const maps = values.filter(isObject).length;
  // sliceElementType upstream: a merged list holds either maps or primitives, never both.
  if (maps > 0 && maps < values.length) throw bad('strategic merge patch: list mixes objects and primitive values');
  const mapList = values.length > 0 ? maps > 0 : patch.some(isObject);
  return mapList ? mergeMapList(original, patch, meta, ctx) : mergePrimitiveList(original, patch);
}

/** Lists without a merge strategy are replaced wholesale; only directive markers are removed. */
function replaceList(patch: unknown[], meta: FieldMeta, ctx: Ctx): unknown[] {
  return patch.filter((x) => !isMarker(x)).map((x) => (isObject(x) ? mergeMap({}, x, meta.items, ctx) : x)) as unknown[];
}

function mergePrimitiveList(original: unknown[], patch: unknown[]): unknown[] {
  const replace = patch.some((x) => isMarker(x) && x[directive] === 'replace');
  const items = patch.filter((x) => !isMarker(x));
  const base = replace ? [] : original;
  const merged: unknown[] = [];
  for (const x of [...base, ...items]) if (!merged.some((y) => jsonEqual(x, y))) merged.push(x);
  const keyOf: KeyOf = (x) => x;
  const [inPatch, serverOnly] = partitionByPresence(merged, items, keyOf);
  return mergeOrdered(inPatch, serverOnly, items, base, keyOf);
}

function mergeMapList(original: unknown[], patch: unknown[], meta: FieldMeta, ctx: Ctx): unknown[] {
  const mergeKey = meta.mergeKey;
  if (!mergeKey) throw bad('cannot merge lists without merge key');
  const keyOf: KeyOf = (x) => (isObject(x) ? x[mergeKey] : undefined);
  let base = [...original];
  let items: JsonObject[] = [];
  let replace = false;
  for (const el of patch) {
    if (!isObject(el)) throw bad(`strategic merge patch: list element ${JSON.stringify(el)} of a merged list is not an object`);
    if (!Object.hasOwn(el, directive)) {
      items.push(el);
      continue;
    }
    const d = el[directive];
    if (d === 'delete') {
      if (!Object.hasOwn(el, mergeKey)) throw bad(`map: ${JSON.stringify(el)} does not contain declared merge key: ${mergeKey}`);
      base = base.filter((x) => !jsonEqual(keyOf(x), el[mergeKey]));
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      throw bad('merging lists cannot yet be specified in the patch');
    } else {
      throw bad(`unknown patch type: ${JSON.stringify(d)} in map: ${JSON.stringify(el)}`);
    }
  }
  if (replace) {
    base = items.map((x) => mergeMap({}, x, meta.items, ctx)) as JsonObject[];
    items = [];
  }
  const serverOrder = base;
  const merged = [...base];
  for (const el of items) {
    if (!Object.hasOwn(el, mergeKey)) throw bad(`map: ${JSON.stringify(el)} does not contain declared merge key: ${mergeKey}`);
    const i = merged.findIndex((x) => jsonEqual(keyOf(x), el[mergeKey]));
    if (i >= 0) merged[i] = mergeMap(merged[i] as JsonObject, el, meta.items, ctx);
    else merged.push(mergeMap({}, el, meta.items, ctx));
  }
  const [inPatch, serverOnly] = partitionByPresence(merged, items, keyOf);
  return mergeOrdered(inPatch, serverOnly, items, serverOrder, keyOf);
}
