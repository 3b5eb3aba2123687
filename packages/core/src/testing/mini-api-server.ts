import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '@kedge/api';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A tiny real HTTP API server serving one namespaced resource (pods in any namespace) with list
 * (limit/continue), watch (replay from RV, 410 when compacted, bookmarks) and basic writes. For testing
 * the HTTP client and informers over real sockets, including server restarts.
 */
export class MiniApiServer {
  readonly requests: RecordedRequest[] = [];
  private server?: http.Server;
  private port = 0;
  private rv = 100;
  private compactedRv = 0;
  private readonly objects = new Map<string, KubeObject>();
  private readonly events: Array<{ rv: number; type: string; object: KubeObject }> = [];
  private readonly watchers = new Map<http.ServerResponse, string | undefined>();
  /** When set, a too-old watch gets an ERROR event (as upstream) instead of an HTTP 410. */
  expiredAsEvent = true;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers.keys()) w.destroy();
    this.watchers.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  upsert(obj: KubeObject): KubeObject {
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const type = this.objects.has(key) ? 'MODIFIED' : 'ADDED';
    const o = structuredClone(obj);
    o.metadata.resourceVersion = String(++this.rv);
    this.objects.set(key, o);
    this.publish(type, o);
    return o;
  }

  remove(ns: string, name: string): void {
    const o = this.objects.get(`${ns}/${name}`);
    if (!o) return;
    this.objects.delete(`${ns}/${name}`);
    const last = { ...structuredClone(o), metadata: { ...o.metadata, resourceVersion: String(++this.rv) } };
    this.publish('DELETED', last);
  }

  /** Forget history: watches from older RVs now get 410 Expired. */
  compact(): void {
    this.compactedRv = this.rv;
    this.events.length = 0;
  }

  /** End every open watch cleanly (like a timeoutSeconds expiry). */
  closeWatches(): void {
    for (const w of this.watchers.keys()) w.end();
    this.watchers.clear();
  }

  bookmark(): void {
    for (const w of this.watchers.keys()) w.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) } } }) + '\n');
  }

  watcherCount(): number {
    return this.watchers.size;
  }

  private publish(type: string, object: KubeObject): void {
    this.events.push({ rv: Number(object.metadata.resourceVersion), type, object });
    for (const [w, ns] of this.watchers) if (!ns || object.metadata.namespace === ns) w.write(JSON.stringify({ type, object }) + '\n');
  }

  private send(res: http.ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private status(res: http.ServerResponse, code: number, reason: string, message: string): void {
    this.send(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason, message, code });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body = '';
    for await (const c of req) body += c;
    this.requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    const u = new URL(req.url!, 'http://x');
    const m = /^\/api\/v1(?:\/namespaces\/([^/]+))?\/pods(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(u.pathname);
    if (!m) return this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const [, ns, name] = m;
    const q = u.searchParams;
    if (req.method === 'GET' && !name && (q.get('watch') === 'true' || q.get('watch') === '1')) return this.watch(res, ns, q);
    if (req.method === 'GET' && !name) {
      const all = [...this.objects.values()].filter((o) => !ns || o.metadata.namespace === ns).sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
      const start = Number(q.get('continue') ?? 0);
      const limit = Number(q.get('limit') ?? 0) || all.length;
      const items = all.slice(start, start + limit);
      const cont = start + limit < all.length ? String(start + limit) : undefined;
      return this.send(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv), ...(cont ? { continue: cont } : {}) }, items: items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest) });
    }
    if (req.method === 'GET') {
      const o = this.objects.get(`${ns}/${name}`);
      return o ? this.send(res, 200, o) : this.status(res, 404, 'NotFound', `pods "${name}" not found`);
    }
    if (req.method === 'POST' && !name) {
      const o = JSON.parse(body) as KubeObject;
      if (this.objects.has(`${ns}/${o.metadata.name}`)) return this.status(res, 409, 'AlreadyExists', `pods "${o.metadata.name}" already exists`);
      return this.send(res, 201, this.upsert({ ...o, metadata: { ...o.metadata, namespace: ns } }));
    }
    if (req.method === 'PATCH' || req.method === 'PUT' || req.method === 'POST') {
      const o = this.objects.get(`${ns}/${name}`);
      return o ? this.send(res, 200, o) : this.status(res, 404, 'NotFound', `pods "${name}" not found`);
    }
    if (req.method === 'DELETE') {
      const o = this.objects.get(`${ns}/${name}`);
      if (!o) return this.status(res, 404, 'NotFound', `pods "${name}" not found`);
      this.remove(ns!, name!);
      return this.send(res, 200, o);
    }
    this.status(res, 405, 'MethodNotAllowed', 'method not allowed');
  }

  private watch(res: http.ServerResponse, ns: string | undefined, q: URLSearchParams): void {
    const from = q.get('resourceVersion');
    if (from && from !== '0' && Number(from) < this.compactedRv) {
      const st = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${from} (${this.compactedRv})`, reason: 'Expired', code: 410 };
      if (!this.expiredAsEvent) return this.send(res, 410, st);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ type: 'ERROR', object: st }) + '\n');
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const match = (o: KubeObject) => !ns || o.metadata.namespace === ns;
    if (!from || from === '0') {
      for (const o of this.objects.values()) if (match(o)) res.write(JSON.stringify({ type: 'ADDED', object: o }) + '\n');
    } else {
      for (const e of this.events) if (e.rv > Number(from) && match(e.object)) res.write(JSON.stringify({ type: e.type, object: e.object }) + '\n');
    }
    this.watchers.set(res, ns);
    res.on('close', () => this.watchers.delete(res));
  }
}
