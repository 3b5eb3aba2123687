import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ApiError,
  apiVersionOf,
  isApiError,
  notFound,
  parseFieldSelector,
  parseLabelSelector,
  validateFieldSelector,
  type ResourceRef,
} from '@kedge/api';
import type { Logger } from '@kedge/core';
import type { EdgeLink } from '../edgehub/types.js';
import type { MetaStore } from '../metamanager/meta-store.js';
import { apiGroupList, apiResourceList, apiVersions, findServed, versionInfo } from './discovery.js';
import { fieldKey, matches, servedObject, type Filter } from './objects.js';
import { serveWatch } from './watch.js';
import { WatchHub } from './watch-hub.js';

export interface MetaServerOptions {
  store: MetaStore;
  link: EdgeLink;
  log: Logger;
  nodeName: string;
  /** Store events kept for watch resumption. */
  historySize?: number;
}

export interface MetaServer {
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  /** Ends open watch streams and stops following the store. */
  close(): void;
}

export const OFFLINE_WRITE_MESSAGE = 'the edge is disconnected from the cloud; writes are not accepted until it reconnects';
// TODO(issue 3): forward writes to the cloud (KubeEdge's dynamiccontroller Application flow) instead of refusing them.
export const UNSUPPORTED_WRITE_MESSAGE = 'writes through the MetaServer are not supported yet';

interface ResourcePath {
  ref: ResourceRef;
  namespace?: string;
  name?: string;
}

const pathNotFound = (): ApiError => new ApiError('NotFound', 'the server could not find the requested resource', { details: {} });

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** `/api/v1/...` or `/apis/g/v/...` split into resource, namespace and name; undefined when not a resource path. */
function resourcePathOf(seg: string[]): ResourcePath | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === 'api' && seg.length >= 3) [group, version, rest] = ['', seg[1]!, seg.slice(2)];
  else if (seg[0] === 'apis' && seg.length >= 4) [group, version, rest] = [seg[1]!, seg[2]!, seg.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  // Subresources (status, log, exec) are not served from the cache.
  if (rest.length > 2) throw pathNotFound();
  const ref = findServed(group, version, rest[0]!);
  if (!ref) throw pathNotFound();
  if (namespace !== undefined && !ref.namespaced) throw pathNotFound();
  return { ref, ...(namespace !== undefined ? { namespace } : {}), ...(rest[1] !== undefined ? { name: rest[1] } : {}) };
}

export function createMetaServer(opts: MetaServerOptions): MetaServer {
  const { store, link } = opts;
  const log = opts.log.child({ module: 'metaserver' });
  const hub = new WatchHub(store, opts.historySize ?? 1000, (err) => log.error({ err }, 'watch stream failed'));
  const openWatches = new Set<() => void>();

  function filterFrom(p: ResourcePath, q: URLSearchParams): Filter {
    const fields = parseFieldSelector(q.get('fieldSelector') ?? '');
    validateFieldSelector(fieldKey(p.ref), fields);
    return { ref: p.ref, ...(p.namespace ? { namespace: p.namespace } : {}), labels: parseLabelSelector(q.get('labelSelector') ?? ''), fields };
  }

  function parseRv(q: URLSearchParams): number | undefined {
    const rv = q.get('resourceVersion');
    if (rv === null || rv === '') return undefined;
    if (!/^\d+$/.test(rv)) throw new ApiError('BadRequest', `invalid resource version "${rv}"`);
    return Number(rv);
  }

  function serveResource(req: IncomingMessage, res: ServerResponse, p: ResourcePath, q: URLSearchParams): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      throw new ApiError('ServiceUnavailable', link.isConnected() ? UNSUPPORTED_WRITE_MESSAGE : OFFLINE_WRITE_MESSAGE);
    }
    if (p.name !== undefined) {
      if (p.ref.namespaced && p.namespace === undefined) throw pathNotFound();
      const e = store.getEntry(p.ref, p.namespace, p.name);
      if (!e) throw notFound(p.ref.resource, p.name, p.ref.group || undefined);
      return sendJson(res, 200, servedObject(e.obj, p.ref, e.revision));
    }
    const filter = filterFrom(p, q);
    const watch = q.get('watch');
    if (watch === 'true' || watch === '1') {
      const timeout = Number(q.get('timeoutSeconds') ?? '');
      const rv = parseRv(q);
      const end = serveWatch(res, store, hub, {
        filter,
        ...(rv !== undefined ? { resourceVersion: rv } : {}),
        ...(Number.isFinite(timeout) && timeout > 0 ? { timeoutSeconds: timeout } : {}),
      });
      openWatches.add(end);
      res.on('close', () => openWatches.delete(end));
      return;
    }
    const items = store
      .entriesByResource(p.ref, p.namespace)
      .filter((e) => matches(filter, e.obj))
      .map((e) => servedObject(e.obj, p.ref, e.revision));
    sendJson(res, 200, { kind: `${p.ref.kind}List`, apiVersion: apiVersionOf(p.ref), metadata: { resourceVersion: String(store.revision()) }, items });
  }

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://metaserver');
    const seg = url.pathname.split('/').filter(Boolean).map((x) => {
      try {
        return decodeURIComponent(x);
      } catch {
        // A client's bad escape is its error, not ours (and not worth an error log).
        throw new ApiError('BadRequest', `malformed path segment "${x.slice(0, 64)}"`);
      }
    });
    const rp = resourcePathOf(seg);
    if (rp) return serveResource(req, res, rp, url.searchParams);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      throw new ApiError('MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }
    const path = seg.join('/');
    if (path === 'version') return sendJson(res, 200, versionInfo());
    if (path === 'healthz' || path === 'livez' || path === 'readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return void res.end('ok');
    }
    if (path === 'api') return sendJson(res, 200, apiVersions(req.headers.host ?? '127.0.0.1:10550'));
    if (path === 'apis') return sendJson(res, 200, apiGroupList());
    let doc: object | undefined;
    if (seg[0] === 'api' && seg.length === 2) doc = apiResourceList('', seg[1]!);
    else if (seg[0] === 'apis' && seg.length === 3) doc = apiResourceList(seg[1]!, seg[2]!);
    if (doc) return sendJson(res, 200, doc);
    throw pathNotFound();
  }

  return {
    handleRequest(req, res) {
      try {
        route(req, res);
      } catch (err) {
        const e = isApiError(err) ? err : new ApiError('InternalError', 'internal error', { cause: err });
        if (!isApiError(err)) log.error({ err, method: req.method, url: req.url }, 'request failed');
        else log.debug({ method: req.method, url: req.url, reason: e.reason }, 'request refused');
        if (res.headersSent) return void res.end();
        sendJson(res, e.code, e.toStatus());
      }
    },
    close() {
      for (const end of [...openWatches]) end();
      openWatches.clear();
      hub.close();
    },
  };
}
