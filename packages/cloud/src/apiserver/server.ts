import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, isAlreadyExists, KUBE_VERSION, type KubeObject } from '@kedge/api';
import { builtinCRDs } from '@kedge/api/crds/index.js';
import { allowAll, type Authorizer } from './auth.js';
import { startCompaction } from './compaction.js';
import { CrdRegistry } from './crd-registry.js';
import { aggregatedContentType, aggregatedDiscovery, aggregatedVersion, apiGroupDoc, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { handleBinding, handleEviction } from './handlers/binding.js';
import { handleCreate } from './handlers/create.js';
import { handleDelete, handleDeleteCollection } from './handlers/delete.js';
import { handleGet } from './handlers/get.js';
import { handleList } from './handlers/list.js';
import { handlePatch } from './handlers/patch.js';
import { handleExecUpgrade, handleLogs } from './handlers/pod-streams.js';
import { handleScale } from './handlers/scale.js';
import { handleUpdate } from './handlers/update.js';
import { ObjectStore } from './object-store.js';
import { OpenApiDocs } from './openapi.js';
import { Registry } from './registry/registry.js';
import { ResourceStore } from './resource-store.js';
import { queryBool, type RequestContext, type ResourceRequest, type ServerCore } from './request-context.js';
import { route } from './router.js';
import { methodNotAllowed, notFoundPath, toApiError, writeJson, writeStatus } from './status.js';
import type { ApiServer, ApiServerOptions } from './types.js';
import { WatchHub, serveWatch } from './watch-stream.js';
import { createServiceAccountTokenAuthenticator, handleTokenRequest, type ServiceAccountTokenOptions } from './sa-token/index.js';

const builtinNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const healthPaths = new Set(['/healthz', '/livez', '/readyz']);

export interface ApiServerExtras {
  authorizer?: Authorizer;
  /** Injectable clock for tests. */
  now?: () => Date;
  /** Enables `serviceaccounts/token` and bearer ServiceAccount JWTs (tried after `authenticator`, like upstream's x509-first chain). */
  serviceAccountTokens?: ServiceAccountTokenOptions;
}

export function createApiServer(opts: ApiServerOptions & ApiServerExtras): ApiServer {
  const log = opts.log.child({ module: 'apiserver' });
  const registry = new Registry();
  const core: ServerCore = {
    backend: opts.backend,
    store: new ObjectStore(opts.backend),
    registry,
    log,
    opts: {
      ...opts,
      maxBodyBytes: opts.maxBodyBytes ?? 3 * 1024 * 1024,
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
      compactMinRetain: opts.compactMinRetain ?? 10_000,
      compactIntervalMs: opts.compactIntervalMs ?? 5 * 60_000,
    },
    watches: new WatchHub(),
    now: opts.now ?? (() => new Date()),
  };
  const authorizer = opts.authorizer ?? allowAll;
  const saAuth = opts.serviceAccountTokens ? createServiceAccountTokenAuthenticator(core, opts.serviceAccountTokens) : undefined;
  const authenticate = async (req: IncomingMessage) => opts.authenticator.authenticate(req) ?? (await saAuth?.authenticate(req));
  const crds = new CrdRegistry(opts.backend, registry, log);
  const openapi = new OpenApiDocs(registry);
  let isReady = false;
  let resolveReady!: () => void;
  let rejectReady!: (e: unknown) => void;
  const readyPromise = new Promise<void>((res, rej) => { resolveReady = res; rejectReady = rej; });
  readyPromise.catch(() => undefined);

  async function installBuiltins(): Promise<void> {
    const store = new ResourceStore(core);
    const quiet = { dryRun: false, validation: 'Ignore' as const, warnings: [] };
    const create = async (group: string, version: string, plural: string, obj: KubeObject): Promise<void> => {
      try {
        await store.create(registry.lookup(group, version, plural)!, undefined, obj, quiet);
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
    };
    for (const name of builtinNamespaces) {
      if (!(await core.store.get(registry.lookup('', 'v1', 'namespaces')!, undefined, name))) {
        await create('', 'v1', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] } });
      }
    }
    const crdDef = registry.lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
    for (const crd of builtinCRDs) {
      if (!(await core.store.get(crdDef, undefined, String(crd.metadata.name)))) {
        await create('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', structuredClone(crd));
      }
    }
  }

  function serveVersion(res: ServerResponse): void {
    writeJson(res, 200, {
      major: KUBE_VERSION.major, minor: KUBE_VERSION.minor, gitVersion: KUBE_VERSION.gitVersion,
      gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z',
      goVersion: 'go1.23.8', compiler: 'gc', platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
    });
  }

  async function serveResource(ctx: RequestContext, r: ResourceRequest): Promise<void> {
    const method = ctx.req.method ?? 'GET';
    const verb = verbOf(method, r, ctx.query);
    if (!authorizer.authorize(ctx.user!, { verb, group: r.def.group, resource: r.def.plural, ...(r.namespace ? { namespace: r.namespace } : {}), ...(r.name ? { name: r.name } : {}), ...(r.subresource ? { subresource: r.subresource } : {}) })) {
      throw new ApiError('Forbidden', `${r.def.plural} is forbidden: User "${ctx.user!.name}" cannot ${verb} resource "${r.def.plural}"`);
    }
    if (r.def.namespaced && r.name !== undefined && r.namespace === undefined) throw notFoundPath();
    if (r.subresource === undefined) {
      if (r.name === undefined) {
        if (method === 'GET') return r.watchPath || queryBool(ctx.query, 'watch') ? serveWatch(ctx, r) : handleList(ctx, r);
        if (method === 'POST') return handleCreate(ctx, r);
        if (method === 'DELETE' && r.def.verbs.includes('deletecollection')) return handleDeleteCollection(ctx, r);
        throw methodNotAllowed(method);
      }
      if (r.watchPath) {
        // Legacy `/watch/.../<name>`: a watch of the collection narrowed to one name.
        if (method !== 'GET') throw methodNotAllowed(method);
        const fs = ctx.query.get('fieldSelector');
        ctx.query.set('fieldSelector', `metadata.name=${r.name}${fs ? `,${fs}` : ''}`);
        const { name: _n, ...collection } = r;
        return serveWatch(ctx, collection);
      }
      switch (method) {
        case 'GET': return handleGet(ctx, r);
        case 'PUT': return handleUpdate(ctx, r);
        case 'PATCH': return handlePatch(ctx, r);
        case 'DELETE': return handleDelete(ctx, r);
        default: throw methodNotAllowed(method);
      }
    }
    if (r.name === undefined) throw notFoundPath();
    switch (`${r.subresource} ${method}`) {
      case 'status GET': return handleGet(ctx, r);
      case 'status PUT': case 'finalize PUT': return handleUpdate(ctx, r);
      case 'status PATCH': case 'scale PATCH': return handlePatch(ctx, r);
      case 'scale GET': case 'scale PUT': return handleScale(ctx, r);
      case 'binding POST': return handleBinding(ctx, r);
      case 'eviction POST': return handleEviction(ctx, r);
      case 'token POST': return handleTokenRequest(ctx, r, opts.serviceAccountTokens);
      case 'log GET': return handleLogs(ctx, r);
      case 'exec GET': case 'exec POST': throw new ApiError('BadRequest', 'Upgrade request required');
      default: throw methodNotAllowed(method);
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const base = `/${path.split('/')[1] ?? ''}`;
    if (healthPaths.has(base)) {
      const ok = base !== '/readyz' || isReady;
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(ok ? 'ok' : 'not ready');
      return;
    }
    if (path === '/version') return serveVersion(res);
    const user = await authenticate(req);
    if (!user) throw new ApiError('Unauthorized', 'Unauthorized');
    await readyPromise;
    if (path === '/openapi/v3') return writeJson(res, 200, openapi.root());
    if (path.startsWith('/openapi/v3/')) {
      const doc = openapi.doc(path.slice('/openapi/v3/'.length));
      if (!doc) throw notFoundPath();
      return writeJson(res, 200, doc);
    }
    const rt = route(path, registry);
    const method = req.method ?? 'GET';
    if (rt.type !== 'resource' && rt.type !== 'notFound' && method !== 'GET') throw methodNotAllowed(method);
    switch (rt.type) {
      case 'apiVersions':
      case 'apiGroups': {
        const v = aggregatedVersion(req);
        if (v) return writeJson(res, 200, aggregatedDiscovery(registry, rt.type === 'apiVersions', v), { 'Content-Type': aggregatedContentType(v), Vary: 'Accept' });
        return writeJson(res, 200, rt.type === 'apiVersions' ? apiVersions() : apiGroupList(registry), { Vary: 'Accept' });
      }
      case 'apiGroup': return writeJson(res, 200, apiGroupDoc(registry, rt.group));
      case 'resourceList': return writeJson(res, 200, apiResourceList(registry, rt.group, rt.version));
      case 'notFound': throw notFoundPath();
      case 'resource': {
        const ctx: RequestContext = { req, res, query: url.searchParams, user, core, warnings: [] };
        return serveResource(ctx, rt.r);
      }
    }
  }

  function fail(res: ServerResponse, e: unknown): void {
    writeStatus(res, toApiError(e, log));
  }

  return {
    async start(signal: AbortSignal): Promise<void> {
      try {
        await crds.start();
        await installBuiltins();
        startCompaction(core.backend, core.opts.compactMinRetain, core.opts.compactIntervalMs, log, signal);
        isReady = true;
        resolveReady();
        log.info({ resources: registry.all().length }, 'api server ready');
      } catch (e) {
        rejectReady(e);
        throw e;
      }
      if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      await crds.stop();
      await core.watches.closeAll();
      log.info('api server stopped');
    },
    ready: () => readyPromise,
    handleRequest(req: IncomingMessage, res: ServerResponse): void {
      serve(req, res).catch((e: unknown) => fail(res, e));
    },
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      upgrade(req, socket, head).catch((e: unknown) => rejectUpgrade(socket, toApiError(e, log)));
    },
  };

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const user = await authenticate(req);
    if (!user) throw new ApiError('Unauthorized', 'Unauthorized');
    await readyPromise;
    const rt = route(url.pathname, registry);
    if (rt.type !== 'resource' || rt.r.subresource !== 'exec' || rt.r.name === undefined || rt.r.namespace === undefined) throw notFoundPath();
    if (!authorizer.authorize(user, { verb: 'create', group: '', resource: 'pods', namespace: rt.r.namespace, name: rt.r.name, subresource: 'exec' })) {
      throw new ApiError('Forbidden', `pods "${rt.r.name}" is forbidden: User "${user.name}" cannot create resource "pods/exec"`);
    }
    await handleExecUpgrade(core, rt.r, url.searchParams, req, socket, head);
  }
}

/** Refuses an upgrade with a plain HTTP response carrying the Status (kubectl prints its message). */
function rejectUpgrade(socket: Duplex, err: ApiError): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(err.toStatus());
  socket.end(`HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function verbOf(method: string, r: ResourceRequest, q: URLSearchParams): string {
  switch (method) {
    case 'GET': return r.name === undefined ? (r.watchPath || queryBool(q, 'watch') ? 'watch' : 'list') : 'get';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return r.name === undefined ? 'deletecollection' : 'delete';
    default: return method.toLowerCase();
  }
}
