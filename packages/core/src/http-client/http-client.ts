import http from 'node:http';
import https from 'node:https';
import { ApiError, apiVersionOf, expired, resourcePath, type KubeList, type KubeObject, type ResourceRef, type Status, type WatchEvent } from '@kedge/api';
import type { DeleteOptions, KubeClient, ListOptions, PatchType, WatchOptions, WriteOptions } from '../client/types.js';
import type { KubeClientConfig } from './kubeconfig.js';
import { TokenBucket } from './rate-limiter.js';
import { watchStream } from './watch-stream.js';

const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

type Query = Record<string, string | number | boolean | undefined>;

function qs(q: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

function parseBody(text: string): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

export interface HttpRequest {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Streaming requests (watch) get no overall timeout. */
  stream?: boolean;
}

/** A KubeClient over HTTP(S) with keep-alive, JSON bodies and client-side rate limiting. */
export function createKubeClient(cfg: KubeClientConfig): KubeClient {
  const url = new URL(cfg.server);
  const secure = url.protocol === 'https:';
  const basePath = url.pathname.replace(/\/$/, '');
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 32, ca: cfg.caPem, cert: cfg.certPem, key: cfg.keyPem, rejectUnauthorized: !cfg.insecureSkipTLSVerify })
    : new http.Agent({ keepAlive: true, maxSockets: 32 });
  const limiter = new TokenBucket(cfg.qps ?? 200, cfg.burst ?? 400);
  const timeoutMs = cfg.timeoutMs ?? 30_000;

  /** Sends a request; resolves with the response once headers arrive (body unread). */
  async function send(req: HttpRequest): Promise<{ res: http.IncomingMessage; req: http.ClientRequest }> {
    await limiter.take();
    const payload = req.body === undefined ? undefined : Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': cfg.userAgent ?? 'kedge', ...req.headers };
    if (payload) {
      headers['Content-Type'] ??= 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    if (cfg.token) headers.Authorization = `Bearer ${cfg.token}`;
    return new Promise((resolve, reject) => {
      const r = (secure ? https : http).request(
        { protocol: url.protocol, hostname: url.hostname, port: url.port, path: basePath + req.path, method: req.method, headers, agent, signal: req.signal },
        (res) => resolve({ res, req: r }),
      );
      if (!req.stream) {
        r.setTimeout(timeoutMs, () => r.destroy(new ApiError('Timeout', `${req.method} ${req.path}: no answer within ${timeoutMs} ms`)));
      }
      r.on('error', (err) => {
        if ((err as { isApiError?: boolean }).isApiError) return reject(err);
        reject(new ApiError('ServiceUnavailable', `${req.method} ${req.path}: ${err.message}`, { cause: err }));
      });
      r.end(payload);
    });
  }

  async function readAll(res: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function call<T>(req: HttpRequest): Promise<T> {
    const { res } = await send(req);
    let text: string;
    try {
      text = await readAll(res);
    } catch (err) {
      throw new ApiError('ServiceUnavailable', `${req.method} ${req.path}: ${(err as Error).message}`, { cause: err });
    }
    const body = parseBody(text);
    const code = res.statusCode ?? 500;
    if (code < 200 || code > 299) throw ApiError.fromStatus(body as Partial<Status>, code);
    return body as T;
  }

  const objPath = (r: ResourceRef, obj: KubeObject) => resourcePath(r, obj.metadata.namespace, obj.metadata.name);
  const writeQuery = (o: WriteOptions = {}) => qs({ dryRun: o.dryRun ? 'All' : undefined, fieldManager: o.fieldManager });
  const sub = (p: string, o: WriteOptions = {}) => (o.subresource ? `${p}/${o.subresource}` : p);

  return {
    get: (r, ns, name, subresource) => call({ method: 'GET', path: resourcePath(r, ns, name, subresource) }),
    list<T extends KubeObject>(r: ResourceRef, ns?: string, o: ListOptions = {}) {
      return call<KubeList<T>>({ method: 'GET', path: resourcePath(r, ns) + qs({ ...o }) });
    },
    create(r, obj, o = {}) {
      const base = o.subresource ? resourcePath(r, obj.metadata.namespace, obj.metadata.name, o.subresource) : resourcePath(r, obj.metadata.namespace);
      const body = o.subresource ? obj : { apiVersion: apiVersionOf(r), kind: r.kind, ...obj };
      return call({ method: 'POST', path: base + writeQuery(o), body });
    },
    update(r, obj, o = {}) {
      return call({ method: 'PUT', path: sub(objPath(r, obj), o) + writeQuery(o), body: { apiVersion: apiVersionOf(r), kind: r.kind, ...obj } });
    },
    patch(r, ns, name, type, patch, o = {}) {
      return call({ method: 'PATCH', path: resourcePath(r, ns, name, o.subresource) + writeQuery(o), body: patch, headers: { 'Content-Type': patchContentTypes[type] } });
    },
    delete(r, ns, name, o: DeleteOptions = {}) {
      const body = { kind: 'DeleteOptions', apiVersion: 'v1', ...o, ...(o.dryRun ? { dryRun: ['All'] } : {}) };
      return call({ method: 'DELETE', path: resourcePath(r, ns, name) + qs({ dryRun: o.dryRun ? 'All' : undefined }), body });
    },
    watch<T extends KubeObject>(r: ResourceRef, ns: string | undefined, o: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
      const path = resourcePath(r, ns) + qs({ watch: 'true', ...o });
      return watchStream<T>(async (inner) => {
        const { res } = await send({ method: 'GET', path, signal: inner, stream: true });
        const code = res.statusCode ?? 500;
        if (code !== 200) {
          const body = parseBody(await readAll(res).catch(() => '')) as Partial<Status>;
          if (code === 410) throw expired(body.message ?? 'too old resource version');
          throw ApiError.fromStatus(body, code);
        }
        return res;
      }, signal);
    },
    raw<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
      return call<T>({ method, path, body, headers });
    },
  };
}
