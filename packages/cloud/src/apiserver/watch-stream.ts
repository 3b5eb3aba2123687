import type { KubeObject } from '@kedge/api';
import { badRequest } from '@kedge/api';
import { isStorageError, type StorageEvent, type Watcher } from '../storage/types.js';
import { buildFilter, type ObjectFilter } from './filter.js';
import { collectionPrefix, decodeShared, jsonFor, jsonOf } from './object-store.js';
import { tableFor } from './output.js';
import { queryBool, queryInt, wantsTable, type RequestContext, type ResourceRequest } from './request-context.js';
import { apiVersionOfDef } from './registry/types.js';

/** Open watches, so shutdown can close them all. */
export class WatchHub {
  private readonly open = new Set<() => void>();
  private idle: (() => void) | undefined;

  add(close: () => void): () => void {
    this.open.add(close);
    return () => {
      this.open.delete(close);
      if (this.open.size === 0) this.idle?.();
    };
  }

  get size(): number {
    return this.open.size;
  }

  /** Closes every watch and resolves once all are gone. */
  closeAll(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    const done = new Promise<void>((resolve) => { this.idle = resolve; });
    for (const close of [...this.open]) close();
    return done;
  }
}

/** Slow readers: past this many unsent bytes the watch is closed and the client re-watches. */
const maxBufferedBytes = 8 * 1024 * 1024;

// One serialised line per storage event and event type, shared by all plain-JSON watchers.
const lineCache = new WeakMap<StorageEvent, Map<string, string>>();

function eventLine(ev: StorageEvent, type: string): string {
  let m = lineCache.get(ev);
  if (!m) lineCache.set(ev, (m = new Map()));
  let line = m.get(type);
  if (line === undefined) {
    line = `{"type":"${type}","object":${jsonOf(ev.kv)}}\n`;
    m.set(type, line);
  }
  return line;
}

/** Which event a filtered watcher sees: objects entering/leaving the selection become ADDED/DELETED. */
export function eventTypeFor(ev: StorageEvent, filter: ObjectFilter): 'ADDED' | 'MODIFIED' | 'DELETED' | undefined {
  if (ev.type === 'create') return filter.all || filter.matches(decodeShared(ev.kv).obj) ? 'ADDED' : undefined;
  if (ev.type === 'delete') return filter.all || filter.matches(decodeShared(ev.kv).obj) ? 'DELETED' : undefined;
  if (filter.all) return 'MODIFIED';
  const now = filter.matches(decodeShared(ev.kv).obj);
  const before = ev.prev ? filter.matches(decodeShared(ev.prev).obj) : false;
  if (now && before) return 'MODIFIED';
  if (now) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}

function expiredStatus(rv: number, compact: number): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${rv} (${compact})`, reason: 'Expired', code: 410 };
}

/**
 * `?watch=true`: chunked JSON lines (k8s-api.md §7). Initial state is synthesised from a list when no
 * (or a zero) resourceVersion is given; otherwise storage history is replayed from it.
 */
export async function serveWatch(ctx: RequestContext, r: ResourceRequest): Promise<void> {
  const { def } = r;
  const { res, query: q, core } = ctx;
  const filter = buildFilter(def, q);
  const rvParam = q.get('resourceVersion');
  if (rvParam && !/^\d+$/.test(rvParam)) throw badRequest(`invalid resource version "${rvParam}"`);
  const timeoutSeconds = queryInt(q, 'timeoutSeconds');
  const bookmarks = queryBool(q, 'allowWatchBookmarks');
  const sendInitial = queryBool(q, 'sendInitialEvents');
  if (sendInitial && q.get('resourceVersionMatch') !== 'NotOlderThan') {
    throw badRequest('sendInitialEvents requires resourceVersionMatch=NotOlderThan');
  }
  const table = wantsTable(ctx.req);
  const prefix = collectionPrefix(def, r.namespace);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  let closed = false;
  let watcher: Watcher | undefined;
  let firstTable = true;
  const timers: NodeJS.Timeout[] = [];
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => { resolveDone = resolve; });
  const close = (): void => {
    if (closed) return;
    closed = true;
    watcher?.stop();
    for (const t of timers) clearTimeout(t);
    unregister();
    if (!res.writableEnded) res.end();
    resolveDone();
  };
  const unregister = core.watches.add(close);
  res.on('close', close);

  const write = (line: string): void => {
    if (closed) return;
    res.write(line);
    if (res.writableLength > maxBufferedBytes) {
      core.log.warn({ resource: def.plural, buffered: res.writableLength }, 'closing slow watch');
      res.destroy();
      close();
    }
  };
  const emitObject = (type: string, obj: KubeObject, rv: string): void => {
    if (!table) {
      write(`${JSON.stringify({ type, object: obj })}\n`);
      return;
    }
    const t = tableFor(ctx, def, [obj], { resourceVersion: rv, noHeaders: !firstTable }) as Record<string, unknown>;
    if (!firstTable) t.columnDefinitions = [];
    firstTable = false;
    write(`${JSON.stringify({ type, object: t })}\n`);
  };
  const onEvent = (ev: StorageEvent): void => {
    if (closed) return;
    const type = eventTypeFor(ev, filter);
    if (!type) return;
    if (!table && !def.multiVersion) write(eventLine(ev, type));
    else if (!table) write(`{"type":"${type}","object":${jsonFor(def, ev.kv)}}\n`);
    else emitObject(type, decodeShared(ev.kv).obj, String(ev.revision));
  };
  const bookmark = (rv: number, initialEnd = false): void => {
    const object = { kind: def.kind, apiVersion: apiVersionOfDef(def), metadata: { resourceVersion: String(rv), ...(initialEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}) } };
    write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
  };

  try {
    let from: number;
    if (!rvParam || rvParam === '0' || sendInitial) {
      const page = await core.backend.list(prefix);
      if (closed) return done;
      for (const kv of page.items) {
        if (!filter.all && !filter.matches(decodeShared(kv).obj)) continue;
        if (table) emitObject('ADDED', decodeShared(kv).obj, kv.modRevision.toString());
        else write(`{"type":"ADDED","object":${jsonFor(def, kv)}}\n`);
      }
      from = page.revision;
      if (sendInitial) bookmark(from, true);
    } else {
      from = Number(rvParam);
    }
    if (closed) return done;
    watcher = core.backend.watch(prefix, from, onEvent);
  } catch (e) {
    if (isStorageError(e, 'compacted')) {
      write(`${JSON.stringify({ type: 'ERROR', object: expiredStatus(Number(rvParam), core.backend.compactRevision()) })}\n`);
      close();
      return done;
    }
    close();
    throw e;
  }
  if (timeoutSeconds !== undefined && timeoutSeconds > 0) timers.push(setTimeout(close, timeoutSeconds * 1000));
  if (bookmarks) {
    timers.push(setInterval(() => bookmark(core.backend.currentRevision()), core.opts.bookmarkIntervalMs));
  }
  return done;
}

