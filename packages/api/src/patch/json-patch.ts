import { ApiError } from '../errors.js';
import { cloneJson, isObject, jsonEqual } from './json-value.js';

type Op =
  | { op: 'add' | 'replace' | 'test'; path: string[]; value: unknown }
  | { op: 'remove'; path: string[] }
  | { op: 'move' | 'copy'; path: string[]; from: string[] };

const ops = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/**
 * RFC 6902 JSON Patch. Malformed documents are 400 BadRequest; an operation that cannot be applied
 * (missing path, failed `test`) is 422 Invalid worded as the apiserver does
 * (apiserver patch.go wraps the jsonpatch error in NewGenericServerResponse(422)).
 * The patch is atomic and the inputs are never mutated.
 */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  const parsed = parseOps(ops);
  let doc = cloneJson(target);
  for (const [i, op] of parsed.entries()) doc = applyOp(doc, op, i);
  return doc;
}

function parseOps(raw: unknown): Op[] {
  if (!Array.isArray(raw)) throw new ApiError('BadRequest', 'json patch must be a JSON array of operations');
  return raw.map((o, i) => {
    if (!isObject(o)) throw new ApiError('BadRequest', `json patch operation ${i} is not an object`);
    const name = o['op'];
    if (typeof name !== 'string' || !ops.has(name)) throw new ApiError('BadRequest', `json patch operation ${i}: unsupported op ${JSON.stringify(name ?? null)}`);
    const path = parsePointer(o['path'], i, 'path');
    switch (name) {
      case 'remove':
        return { op: name, path };
      case 'move':
      case 'copy':
        return { op: name, path, from: parsePointer(o['from'], i, 'from') };
      default:
        if (!Object.hasOwn(o, 'value')) throw new ApiError('BadRequest', `json patch operation ${i} (${name}) is missing "value"`);
        return { op: name as 'add' | 'replace' | 'test', path, value: o['value'] };
    }
  });
}

/** RFC 6901: `/a~1b/~0c` → ['a/b', '~c']; '' is the whole document. */
function parsePointer(p: unknown, i: number, field: string): string[] {
  if (typeof p !== 'string') throw new ApiError('BadRequest', `json patch operation ${i} is missing "${field}"`);
  if (p === '') return [];
  if (!p.startsWith('/')) throw new ApiError('BadRequest', `json patch operation ${i}: invalid JSON pointer ${JSON.stringify(p)}`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function failed(message: string): ApiError {
  return new ApiError('Invalid', 'the server rejected our request due to an error in our request', {
    details: { causes: [{ reason: 'UnexpectedServerResponse', message }] },
  });
}

const show = (path: string[]): string => (path.length ? '/' + path.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/') : '');

/** Array index per RFC 6902 §4: decimal without leading zeros, or '-' (one past the end) when allowed. */
function arrayIndex(arr: unknown[], tok: string, path: string[], allowEnd: boolean): number {
  if (tok === '-' && allowEnd) return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(tok)) throw failed(`invalid array index ${JSON.stringify(tok)} in path "${show(path)}"`);
  const n = Number(tok);
  if (n > arr.length || (!allowEnd && n === arr.length)) throw failed(`array index ${n} out of bounds in path "${show(path)}"`);
  return n;
}

function get(doc: unknown, path: string[]): unknown {
  let cur = doc;
  for (const tok of path) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, tok, path, false)];
    else if (isObject(cur) && Object.hasOwn(cur, tok)) cur = cur[tok];
    else throw failed(`path "${show(path)}" does not exist`);
  }
  return cur;
}

/** The container that holds the last token of `path`. */
function parent(doc: unknown, path: string[]): unknown {
  const container = get(doc, path.slice(0, -1));
  if (!Array.isArray(container) && !isObject(container)) throw failed(`path "${show(path)}": parent is not a container`);
  return container;
}

function add(doc: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const c = parent(doc, path);
  const tok = path[path.length - 1]!;
  if (Array.isArray(c)) c.splice(arrayIndex(c, tok, path, true), 0, value);
  else (c as Record<string, unknown>)[tok] = value;
  return doc;
}

function remove(doc: unknown, path: string[]): unknown {
  if (path.length === 0) throw failed('cannot remove the whole document');
  const c = parent(doc, path);
  const tok = path[path.length - 1]!;
  if (Array.isArray(c)) c.splice(arrayIndex(c, tok, path, false), 1);
  else if (Object.hasOwn(c as object, tok)) delete (c as Record<string, unknown>)[tok];
  else throw failed(`path "${show(path)}" does not exist`);
  return doc;
}

/** In place, so an object member keeps its position (remove+add would move it last). */
function replace(doc: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const c = parent(doc, path);
  const tok = path[path.length - 1]!;
  if (Array.isArray(c)) c[arrayIndex(c, tok, path, false)] = value;
  else if (Object.hasOwn(c as object, tok)) (c as Record<string, unknown>)[tok] = value;
  else throw failed(`path "${show(path)}" does not exist`);
  return doc;
}

function applyOp(doc: unknown, op: Op, i: number): unknown {
  switch (op.op) {
    case 'add':
      return add(doc, op.path, cloneJson(op.value));
    case 'remove':
      return remove(doc, op.path);
    case 'replace':
      return replace(doc, op.path, cloneJson(op.value));
    case 'copy':
      return add(doc, op.path, cloneJson(get(doc, op.from)));
    case 'move': {
      const isPrefix = op.from.length < op.path.length && op.from.every((t, k) => op.path[k] === t);
      if (isPrefix) throw failed(`operation ${i}: cannot move "${show(op.from)}" into its own child "${show(op.path)}"`);
      const value = get(doc, op.from);
      return add(remove(doc, op.from), op.path, value);
    }
    case 'test':
      if (!jsonEqual(get(doc, op.path), op.value)) throw failed(`testing value ${show(op.path)} failed`);
      return doc;
  }
}
