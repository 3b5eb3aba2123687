import { ApiError } from '@kedge/api';

// TODO(kedge): swap for @kedge/api/patch once it lands; this minimal copy keeps the fake self-contained.

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 JSON merge patch; also the fake's stand-in for strategic merge (lists replaced wholesale). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface Op {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');
const parse = (p: string): string[] => (p === '' ? [] : p.split('/').slice(1).map(unescape));

function parentOf(doc: unknown, path: string[]): { parent: any; last: string } {
  let cur: any = doc;
  for (const seg of path.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(seg)] : cur?.[seg];
    if (cur === undefined || cur === null) throw new ApiError('Invalid', `json patch: path not found: /${path.join('/')}`);
  }
  return { parent: cur, last: path[path.length - 1]! };
}

function getAt(doc: unknown, path: string[]): unknown {
  let cur: any = doc;
  for (const seg of path) cur = Array.isArray(cur) ? cur[Number(seg)] : cur?.[seg];
  return cur;
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test). */
export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new ApiError('BadRequest', 'json patch must be an array');
  let root: any = structuredClone(doc);
  for (const o of ops as Op[]) {
    const path = parse(o.path);
    const remove = (p: string[]) => {
      const { parent, last } = parentOf(root, p);
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else if (parent && last in parent) delete parent[last];
      else throw new ApiError('Invalid', `json patch: cannot remove missing /${p.join('/')}`);
    };
    const add = (p: string[], value: unknown) => {
      if (p.length === 0) {
        root = value;
        return;
      }
      const { parent, last } = parentOf(root, p);
      if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, value);
      else parent[last] = value;
    };
    switch (o.op) {
      case 'add': add(path, structuredClone(o.value)); break;
      case 'remove': remove(path); break;
      case 'replace': {
        const { parent, last } = parentOf(root, path);
        if (path.length === 0) root = structuredClone(o.value);
        else if (Array.isArray(parent)) parent[Number(last)] = structuredClone(o.value);
        else parent[last] = structuredClone(o.value);
        break;
      }
      case 'move': {
        const from = parse(o.from ?? '');
        const v = getAt(root, from);
        remove(from);
        add(path, v);
        break;
      }
      case 'copy': add(path, structuredClone(getAt(root, parse(o.from ?? '')))); break;
      case 'test':
        if (JSON.stringify(getAt(root, path)) !== JSON.stringify(o.value)) throw new ApiError('Invalid', `json patch: test failed at ${o.path}`);
        break;
      default: throw new ApiError('BadRequest', `json patch: unknown op ${o.op}`);
    }
  }
  return root;
}
