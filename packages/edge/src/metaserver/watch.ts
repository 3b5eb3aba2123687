import type { ServerResponse } from 'node:http';
import type { KubeObject, WatchEventType } from '@kedge/api';
import type { MetaStore, StoreEvent } from '../metamanager/meta-store.js';
import { matches, servedObject, type Filter } from './objects.js';
import type { WatchHub } from './watch-hub.js';

export interface WatchRequest {
  filter: Filter;
  /** Parsed `resourceVersion`; undefined or 0 means "current state first". */
  resourceVersion?: number;
  timeoutSeconds?: number;
}

// A client that stops reading must not make the edge buffer without bound.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * Upstream's filtered-watch rule: a change that makes an object start or stop matching is sent as
 * ADDED or DELETED (k8s-api.md §7).
 */
export function transform(f: Filter, ev: StoreEvent): { type: WatchEventType; obj: KubeObject } | undefined {
  if (ev.resource.group !== f.ref.group || ev.resource.resource !== f.ref.resource) return undefined;
  const now = ev.type !== 'DELETED' && matches(f, ev.obj);
  const before = ev.type !== 'ADDED' && ev.oldObj !== undefined && matches(f, ev.oldObj);
  if (ev.type === 'DELETED') return before ? { type: 'DELETED', obj: ev.obj } : undefined;
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', obj: ev.obj };
  return before ? { type: 'DELETED', obj: ev.obj } : undefined;
}

/** Streams newline-delimited watch events; returns a function that ends the stream (server shutdown). */
export function serveWatch(res: ServerResponse, store: MetaStore, hub: WatchHub, w: WatchRequest): () => void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const { filter } = w;
  let closed = false;
  const write = (type: WatchEventType, obj: KubeObject, revision: number): void => {
    if (closed) return;
    res.write(`${JSON.stringify({ type, object: servedObject(obj, filter.ref, revision) })}\n`);
    if (res.writableLength > MAX_BUFFERED_BYTES) end();
  };
  const send = (ev: StoreEvent): void => {
    const out = transform(filter, ev);
    if (out) write(out.type, out.obj, ev.revision);
  };

  const missed = w.resourceVersion ? hub.since(w.resourceVersion) : undefined;
  if (missed) missed.forEach(send);
  else {
    // No usable resume point: the current state as synthetic ADDEDs, like a fresh upstream watch.
    for (const e of store.entriesByResource(filter.ref, filter.namespace)) {
      if (matches(filter, e.obj)) write('ADDED', e.obj, e.revision);
    }
  }
  // Same tick as the replay above, so no store event can fall between the two.
  const unsubscribe = hub.subscribe(send);
  const timer = w.timeoutSeconds && w.timeoutSeconds > 0 ? setTimeout(() => end(), w.timeoutSeconds * 1000) : undefined;

  function cleanup(): void {
    if (closed) return;
    closed = true;
    unsubscribe();
    if (timer) clearTimeout(timer);
  }
  function end(): void {
    if (closed) return;
    cleanup();
    res.end();
  }
  // req 'close' fires once the (empty) body is read; the response's close is the client going away.
  res.on('close', cleanup);
  return end;
}
