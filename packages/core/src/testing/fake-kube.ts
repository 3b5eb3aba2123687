import { randomUUID } from 'node:crypto';
import {
  ApiError, R, alreadyExists, apiVersionOf, conflict, notFound,
  type KubeList, type KubeObject, type ResourceRef, type Status, type WatchEvent, kubeTime,
} from '@kedge/api';
import type { DeleteOptions, KubeClient, ListOptions, PatchType, WatchOptions, WriteOptions } from '../client/types.js';
import { applyJsonPatch, jsonMergePatch, strategicMergePatch } from '@kedge/api/patch/index.js';
import { fieldSetFor, matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from '@kedge/api/selectors/index.js';

const matchLabelSelector = (sel: string | undefined, labels: Record<string, string> | undefined) => !sel || matchLabels(parseLabelSelector(sel), labels);
// The fake accepts any dotted path the selector library exposes for the resource.
const matchFieldSelector = (res: string, sel: string | undefined, obj: KubeObject) => {
  if (!sel) return true;
  // resKey "plural.group" → the selector library's "group/plural".
  const dot = res.indexOf('.');
  return matchFields(parseFieldSelector(sel), fieldSetFor(dot < 0 ? res : `${res.slice(dot + 1)}/${res.slice(0, dot)}`, obj));
};

export interface FakeAction {
  verb: 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete' | 'watch';
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Body of writes (a clone), for assertions. */
  object?: unknown;
  patchType?: PatchType;
  options?: DeleteOptions;
}

/** Returns a value/throws to short-circuit a call, or undefined to let the fake handle it. */
export type Reactor = (action: FakeAction) => unknown;

export interface FakeKube extends KubeClient {
  readonly actions: FakeAction[];
  /** Insert objects as-is (no action recorded); fills uid/resourceVersion/creationTimestamp if missing. */
  seed(r: ResourceRef, ...objs: KubeObject[]): void;
  /** Current stored object (clone) or undefined; no action recorded. */
  peek<T extends KubeObject = KubeObject>(r: ResourceRef, namespace: string | undefined, name: string): T | undefined;
  all<T extends KubeObject = KubeObject>(r: ResourceRef, namespace?: string): T[];
  /** Served by discovery (raw GET /api/v1, /apis, /apis/g/v); all of R by default. */
  registerResource(r: ResourceRef): void;
  /** Runs before the fake's own handling; e.g. inject errors. */
  prependReactor(verb: FakeAction['verb'] | '*', resource: string | '*', fn: Reactor): void;
  /** Actions minus reads (get/list/watch). */
  writes(): FakeAction[];
  /** Clears recorded actions (stored objects stay). */
  reset(): void;
}

type Watcher = { res: string; ns?: string; opts: WatchOptions; push: (e: WatchEvent) => void };

const resKey = (r: ResourceRef) => (r.group ? `${r.resource}.${r.group}` : r.resource);
const objKey = (r: ResourceRef, ns: string | undefined, name: string) => (r.namespaced ? `${ns ?? ''}/${name}` : name);
const isNs = (r: ResourceRef) => resKey(r) === 'namespaces';
const nowIso = () => kubeTime();
const GEN_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** In-memory KubeClient for controller unit tests: enough API-server semantics to converge against. */
export function createFakeKube(): FakeKube {
  const stores = new Map<string, Map<string, KubeObject>>();
  const resources = new Map<string, ResourceRef>();
  const watchers = new Set<Watcher>();
  const reactors: Array<{ verb: string; resource: string; fn: Reactor }> = [];
  const actions: FakeAction[] = [];
  let rv = 0;

  for (const r of Object.values(R)) resources.set(resKey(r), r);
  const store = (r: ResourceRef) => {
    let s = stores.get(resKey(r));
    if (!s) stores.set(resKey(r), (s = new Map()));
    return s;
  };

  const record = (a: FakeAction): { hit: boolean; value?: unknown } => {
    actions.push(a);
    for (const x of reactors) {
      if ((x.verb === '*' || x.verb === a.verb) && (x.resource === '*' || x.resource === a.resource)) {
        const v = x.fn(a);
        if (v !== undefined) return { hit: true, value: v };
      }
    }
    return { hit: false };
  };

  // Recent events, so a watch from a list's resourceVersion misses nothing written in between.
  const history: Array<{ res: string; rv: number; type: WatchEvent['type']; obj: KubeObject }> = [];
  /** Whether a list or watch of `res` in `ns` with `opts`' selectors includes `obj`. */
  const selects = (res: string, ns: string | undefined, opts: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>, obj: KubeObject) =>
    (!ns || obj.metadata.namespace === ns) && matchLabelSelector(opts.labelSelector, obj.metadata.labels) && matchFieldSelector(res, opts.fieldSelector, obj);
  const matches = (w: Watcher, obj: KubeObject) => selects(w.res, w.ns, w.opts, obj);
  const emit = (r: ResourceRef, type: WatchEvent['type'], obj: KubeObject) => {
    history.push({ res: resKey(r), rv, type, obj: structuredClone(obj) });
    if (history.length > 5000) history.splice(0, 1000);
    for (const w of watchers) {
      if (w.res !== resKey(r) || !matches(w, obj)) continue;
      w.push({ type, object: structuredClone(obj) });
    }
  };

  const put = (r: ResourceRef, obj: KubeObject, type: 'ADDED' | 'MODIFIED') => {
    obj.metadata.resourceVersion = String(++rv);
    store(r).set(objKey(r, obj.metadata.namespace, obj.metadata.name!), obj);
    emit(r, type, obj);
    return structuredClone(obj);
  };

  const remove = (r: ResourceRef, obj: KubeObject) => {
    store(r).delete(objKey(r, obj.metadata.namespace, obj.metadata.name!));
    obj.metadata.resourceVersion = String(++rv);
    emit(r, 'DELETED', obj);
    return structuredClone(obj);
  };

  const mustGet = (r: ResourceRef, ns: string | undefined, name: string): KubeObject => {
    const o = store(r).get(objKey(r, ns, name));
    if (!o) throw notFound(r.resource, name, r.group || undefined);
    return o;
  };

  const fill = (r: ResourceRef, obj: KubeObject): KubeObject => {
    const o = structuredClone(obj);
    o.apiVersion ??= apiVersionOf(r);
    o.kind ??= r.kind;
    o.metadata.uid ??= randomUUID();
    o.metadata.creationTimestamp ??= nowIso();
    if (!r.namespaced) delete o.metadata.namespace;
    return o;
  };

  // Storing an update: finished finalizers on a deleting object remove it, as the server does.
  const store2 = (r: ResourceRef, next: KubeObject) => {
    if (next.metadata.deletionTimestamp && !(next.metadata.finalizers?.length) && !(isNs(r) && next.spec?.finalizers?.length)) {
      return remove(r, next);
    }
    return put(r, next, 'MODIFIED');
  };

  const checkRv = (r: ResourceRef, cur: KubeObject, sent?: string) => {
    if (sent && sent !== cur.metadata.resourceVersion) throw conflict(r.resource, cur.metadata.name!, r.group || undefined);
  };

  const writeSub = (r: ResourceRef, cur: KubeObject, body: KubeObject, sub: string | undefined): KubeObject => {
    if (sub === 'status') return { ...structuredClone(cur), status: structuredClone(body.status) };
    if (sub === 'finalize') return { ...structuredClone(cur), spec: { ...cur.spec, finalizers: structuredClone(body.spec?.finalizers ?? []) } };
    const next = structuredClone(body);
    next.apiVersion ??= cur.apiVersion;
    next.kind ??= cur.kind;
    next.metadata = { ...next.metadata, uid: cur.metadata.uid, creationTimestamp: cur.metadata.creationTimestamp, namespace: cur.metadata.namespace };
    if (cur.metadata.deletionTimestamp) next.metadata.deletionTimestamp = cur.metadata.deletionTimestamp;
    if (next.status === undefined && cur.status !== undefined && resKey(r) !== 'configmaps') next.status = cur.status;
    return next;
  };

  const discovery = (path: string): unknown => {
    const list = [...resources.values()];
    const toRes = (r: ResourceRef) => ({ name: r.resource, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] });
    if (path === '/api/v1') return { kind: 'APIResourceList', groupVersion: 'v1', resources: list.filter((r) => !r.group).map(toRes) };
    if (path === '/apis') {
      const gvs = new Map<string, string[]>();
      for (const r of list.filter((x) => x.group)) gvs.set(r.group, [...new Set([...(gvs.get(r.group) ?? []), r.version])]);
      return {
        kind: 'APIGroupList', apiVersion: 'v1',
        groups: [...gvs].map(([name, vs]) => ({ name, versions: vs.map((v) => ({ groupVersion: `${name}/${v}`, version: v })), preferredVersion: { groupVersion: `${name}/${vs[0]}`, version: vs[0] } })),
      };
    }
    const m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (m) return { kind: 'APIResourceList', groupVersion: `${m[1]}/${m[2]}`, resources: list.filter((r) => r.group === m[1] && r.version === m[2]).map(toRes) };
    throw new ApiError('NotFound', `the server could not find the requested resource (get ${path})`);
  };

  const fake: FakeKube = {
    actions,
    async get<T extends KubeObject>(r: ResourceRef, ns: string | undefined, name: string, subresource?: string) {
      const rx = record({ verb: 'get', resource: resKey(r), namespace: ns, name, subresource });
      if (rx.hit) return rx.value as T;
      return structuredClone(mustGet(r, ns, name)) as T;
    },
    async list<T extends KubeObject>(r: ResourceRef, ns?: string, opts: ListOptions = {}) {
      const rx = record({ verb: 'list', resource: resKey(r), namespace: ns });
      if (rx.hit) return rx.value as KubeList<T>;
      const items = [...store(r).values()].filter((o) => selects(resKey(r), ns, opts, o));
      return { apiVersion: apiVersionOf(r), kind: `${r.kind}List`, metadata: { resourceVersion: String(rv) }, items: structuredClone(items) as T[] };
    },
    async create<T extends KubeObject>(r: ResourceRef, obj: KubeObject, opts: WriteOptions = {}) {
      const ns = r.namespaced ? obj.metadata.namespace : undefined;
      const rx = record({ verb: 'create', resource: resKey(r), namespace: ns, name: obj.metadata.name, subresource: opts.subresource, object: structuredClone(obj) });
      if (rx.hit) return rx.value as T;
      if (opts.subresource === 'binding' && resKey(r) === 'pods') {
        const pod = mustGet(r, ns, obj.metadata.name!);
        if (pod.spec?.nodeName) throw new ApiError('Conflict', `pod ${pod.metadata.name} is already assigned to node "${pod.spec.nodeName}"`);
        if (pod.metadata.deletionTimestamp) throw new ApiError('Conflict', `pod ${pod.metadata.name} is being deleted, cannot be assigned to a host`);
        const next = structuredClone(pod);
        next.spec = { ...next.spec, nodeName: obj.target?.name };
        const conds = (next.status?.conditions ?? []).filter((c: { type: string }) => c.type !== 'PodScheduled');
        next.status = { ...next.status, conditions: [...conds, { type: 'PodScheduled', status: 'True', lastTransitionTime: nowIso() }] };
        put(r, next, 'MODIFIED');
        return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } as unknown as T;
      }
      if (opts.subresource) throw new ApiError('NotFound', `fake: create on subresource ${opts.subresource} not supported`);
      if (r.namespaced && !ns) throw new ApiError('BadRequest', 'namespace is required');
      const o = fill(r, obj);
      if (!o.metadata.name) {
        if (!o.metadata.generateName) throw new ApiError('Invalid', 'metadata.name or generateName is required');
        do {
          o.metadata.name = o.metadata.generateName + Array.from({ length: 5 }, () => GEN_CHARS[Math.floor(Math.random() * GEN_CHARS.length)]).join('');
        } while (store(r).has(objKey(r, ns, o.metadata.name)));
      }
      if (store(r).has(objKey(r, ns, o.metadata.name))) throw alreadyExists(r.resource, o.metadata.name, r.group || undefined);
      o.metadata.generation ??= 1;
      if (opts.dryRun) return o as T;
      return put(r, o, 'ADDED') as T;
    },
    async update<T extends KubeObject>(r: ResourceRef, obj: KubeObject, opts: WriteOptions = {}) {
      const ns = r.namespaced ? obj.metadata.namespace : undefined;
      const name = obj.metadata.name!;
      const rx = record({ verb: 'update', resource: resKey(r), namespace: ns, name, subresource: opts.subresource, object: structuredClone(obj) });
      if (rx.hit) return rx.value as T;
      const cur = mustGet(r, ns, name);
      checkRv(r, cur, obj.metadata.resourceVersion);
      const next = writeSub(r, cur, obj, opts.subresource);
      if (opts.dryRun) return next as T;
      return store2(r, next) as T;
    },
    async patch<T extends KubeObject>(r: ResourceRef, ns: string | undefined, name: string, type: PatchType, patch: unknown, opts: WriteOptions = {}) {
      ns = r.namespaced ? ns : undefined;
      const rx = record({ verb: 'patch', resource: resKey(r), namespace: ns, name, subresource: opts.subresource, object: structuredClone(patch), patchType: type });
      if (rx.hit) return rx.value as T;
      const cur = mustGet(r, ns, name);
      const patched = (type === 'json' ? applyJsonPatch(cur, patch) : type === 'strategic' ? strategicMergePatch(cur, patch, undefined, {}) : jsonMergePatch(cur, patch)) as KubeObject;
      checkRv(r, cur, type === 'json' ? undefined : (patch as KubeObject)?.metadata?.resourceVersion);
      const next = writeSub(r, cur, patched, opts.subresource);
      if (opts.dryRun) return next as T;
      return store2(r, next) as T;
    },
    async delete(r: ResourceRef, ns: string | undefined, name: string, opts: DeleteOptions = {}) {
      ns = r.namespaced ? ns : undefined;
      const rx = record({ verb: 'delete', resource: resKey(r), namespace: ns, name, options: opts });
      if (rx.hit) return rx.value as KubeObject | Status;
      const cur = mustGet(r, ns, name);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== cur.metadata.uid) throw conflict(r.resource, name, r.group || undefined, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`);
      if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) throw conflict(r.resource, name, r.group || undefined);
      if (opts.dryRun) return structuredClone(cur);
      const next = structuredClone(cur);
      const fins = new Set(next.metadata.finalizers ?? []);
      if (!next.metadata.deletionTimestamp) {
        if (opts.propagationPolicy === 'Foreground') fins.add('foregroundDeletion');
        if (opts.propagationPolicy === 'Orphan') fins.add('orphan');
      }
      const nsFinalizers = isNs(r) && (next.spec?.finalizers?.length ?? 0) > 0;
      if (fins.size === 0 && !nsFinalizers) return remove(r, next);
      if (next.metadata.deletionTimestamp) return structuredClone(cur);
      next.metadata.finalizers = [...fins];
      next.metadata.deletionTimestamp = nowIso();
      next.metadata.deletionGracePeriodSeconds = 0;
      if (isNs(r)) next.status = { ...next.status, phase: 'Terminating' };
      return put(r, next, 'MODIFIED');
    },
    watch<T extends KubeObject>(r: ResourceRef, ns: string | undefined, opts: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
      const rx = record({ verb: 'watch', resource: resKey(r), namespace: ns });
      if (rx.hit) return rx.value as AsyncIterable<WatchEvent<T>>;
      return {
        [Symbol.asyncIterator]() {
          const buf: WatchEvent[] = [];
          let wake: (() => void) | undefined;
          const w: Watcher = { res: resKey(r), ns, opts, push: (e) => { buf.push(e); wake?.(); } };
          watchers.add(w);
          if (!opts.resourceVersion || opts.resourceVersion === '0') {
            for (const o of store(r).values()) if (matches(w, o)) buf.push({ type: 'ADDED', object: structuredClone(o) });
          } else {
            const from = Number(opts.resourceVersion);
            for (const h of history) if (h.res === w.res && h.rv > from && matches(w, h.obj)) buf.push({ type: h.type, object: structuredClone(h.obj) });
          }
          const onAbort = () => wake?.();
          signal.addEventListener('abort', onAbort, { once: true });
          const close = () => { watchers.delete(w); signal.removeEventListener('abort', onAbort); };
          return {
            async next(): Promise<IteratorResult<WatchEvent<T>>> {
              while (buf.length === 0 && !signal.aborted) await new Promise<void>((res) => (wake = res));
              wake = undefined;
              if (signal.aborted) { close(); return { done: true, value: undefined }; }
              return { done: false, value: buf.shift() as WatchEvent<T> };
            },
            async return(): Promise<IteratorResult<WatchEvent<T>>> { close(); return { done: true, value: undefined }; },
          };
        },
      };
    },
    async raw<T>(method: string, path: string): Promise<T> {
      if (method.toUpperCase() !== 'GET') throw new ApiError('MethodNotAllowed', `fake: raw ${method} not supported`);
      return discovery(path.split('?')[0]!) as T;
    },
    seed(r, ...objs) {
      for (const obj of objs) {
        const o = fill(r, obj);
        put(r, o, 'ADDED');
      }
    },
    peek<T extends KubeObject>(r: ResourceRef, ns: string | undefined, name: string) {
      const o = store(r).get(objKey(r, r.namespaced ? ns : undefined, name));
      return o ? (structuredClone(o) as T) : undefined;
    },
    all<T extends KubeObject>(r: ResourceRef, ns?: string) {
      return [...store(r).values()].filter((o) => !ns || o.metadata.namespace === ns).map((o) => structuredClone(o) as T);
    },
    registerResource(r) {
      resources.set(resKey(r), r);
    },
    prependReactor(verb, resource, fn) {
      reactors.unshift({ verb, resource, fn });
    },
    writes() {
      return actions.filter((a) => a.verb !== 'get' && a.verb !== 'list' && a.verb !== 'watch');
    },
    reset() {
      actions.length = 0;
    },
  };
  return fake;
}
