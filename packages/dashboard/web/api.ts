import type { FleetNode, KObj } from './types.js';

/** A failed API call, with the HTTP status and the Kubernetes Status message when there is one. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((r) => {
  const t = setTimeout(r, ms);
  signal.addEventListener('abort', () => { clearTimeout(t); r(); }, { once: true });
});

/** Splits a streamed body into lines. */
async function* lines(res: Response): AsyncGenerator<string> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      yield buf.slice(0, nl);
      buf = buf.slice(nl + 1);
    }
  }
  if (buf) yield buf;
}

/** The Kubernetes API on this origin with `Authorization: Bearer`. A 401 anywhere calls `onUnauthorized`. */
export class Api {
  constructor(private readonly token: string, private readonly onUnauthorized: () => void) {}

  async fetch(method: string, path: string, body?: unknown, contentType = 'application/json', signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = contentType;
    const res = await fetch(path, { method, headers, cache: 'no-store', ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(signal ? { signal } : {}) });
    if (res.status === 401) this.onUnauthorized();
    if (!res.ok) {
      let msg = `${method} ${path}: HTTP ${res.status}`;
      try { const s = await res.json() as { message?: string }; if (s.message) msg = s.message; } catch { /* not a Status */ }
      throw new HttpError(res.status, msg);
    }
    return res;
  }

  async json<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    return (await this.fetch(method, path, body, contentType)).json() as Promise<T>;
  }
}

/** Objects of one list+watch, keyed `namespace/name`; `onChange` fires (batched per frame) after each change. */
export class Store<T extends KObj> {
  readonly items = new Map<string, T>();
  synced = false;
  error = '';
  private queued = false;
  constructor(private readonly onChange: () => void) {}
  static key(o: KObj): string { return `${o.metadata.namespace ?? ''}/${o.metadata.name}`; }
  replace(items: T[]): void {
    this.items.clear();
    for (const o of items) this.items.set(Store.key(o), o);
    this.synced = true;
    this.changed();
  }
  apply(type: string, o: T): void {
    if (type === 'DELETED') this.items.delete(Store.key(o));
    else this.items.set(Store.key(o), o);
    this.changed();
  }
  changed(): void {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => { this.queued = false; this.onChange(); });
  }
}

/**
 * List, then watch from the list's resourceVersion with bookmarks; a closed watch resumes from the last
 * version seen, and 410 Gone (history compacted) relists, as client-go's reflector does.
 */
export async function listWatch<T extends KObj>(api: Api, path: string, store: Store<T>, signal: AbortSignal): Promise<void> {
  let rv = '';
  let failures = 0;
  const sep = path.includes('?') ? '&' : '?';
  while (!signal.aborted) {
    try {
      if (!rv) {
        const list = await api.json<{ items: T[]; metadata: { resourceVersion: string } }>('GET', path);
        store.replace(list.items);
        rv = list.metadata.resourceVersion;
      }
      const res = await api.fetch('GET', `${path}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(rv)}`, undefined, undefined, signal);
      store.error = '';
      for await (const line of lines(res)) {
        if (!line.trim()) continue;
        const ev = JSON.parse(line) as { type: string; object: T & { code?: number; message?: string } };
        if (ev.type === 'ERROR') {
          if (ev.object.code === 410) rv = '';
          else throw new HttpError(ev.object.code ?? 500, ev.object.message ?? 'watch error');
          break;
        }
        if (ev.object.metadata?.resourceVersion) rv = ev.object.metadata.resourceVersion;
        if (ev.type !== 'BOOKMARK') store.apply(ev.type, ev.object);
      }
      failures = 0;
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof HttpError && err.status === 410) rv = '';
      if (err instanceof HttpError && err.status === 401) return;
      store.error = (err as Error).message;
      store.changed();
      failures++;
      await sleep(Math.min(1000 * 2 ** failures, 15_000), signal);
    }
  }
}

export interface FleetFeed { cloudcore: boolean; nodes: Map<string, FleetNode>; connected: boolean; skew: number }

/** Reads /dashboard/api/fleet (server-sent events) through fetch, which, unlike EventSource, can send the bearer token. */
export async function followFleet(api: Api, feed: FleetFeed, onChange: () => void, signal: AbortSignal): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    try {
      const res = await api.fetch('GET', 'api/fleet', undefined, undefined, signal);
      let event = 'message';
      let data = '';
      for await (const line of lines(res)) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
        else if (line === '' && data) {
          const msg = JSON.parse(data) as { now: number; cloudcore?: boolean; nodes: FleetNode[] };
          if (event === 'snapshot') { feed.nodes.clear(); feed.cloudcore = !!msg.cloudcore; }
          // Server and browser clocks differ; history times are the server's.
          feed.skew = Date.now() - msg.now;
          for (const n of msg.nodes) feed.nodes.set(n.node, n);
          feed.connected = true;
          failures = 0;
          onChange();
          event = 'message';
          data = '';
        }
      }
    } catch (err) {
      if (signal.aborted || (err instanceof HttpError && err.status === 401)) return;
    }
    feed.connected = false;
    onChange();
    failures++;
    await sleep(Math.min(1000 * 2 ** failures, 15_000), signal);
  }
}
