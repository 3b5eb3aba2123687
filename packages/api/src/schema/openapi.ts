// Builds the per-group/version OpenAPI 3.0 document served at /openapi/v3/{api/v1|apis/g/v}.
// kubectl keys its validation mode on the PATCH operation declaring `fieldValidation` and computes
// strategic merge patches from the component schemas when PATCH lists the SMP content type
// (see /work/shared/docs/k8s-api.md §4).
import { createHash } from 'node:crypto';
import type { JSONSchema, SchemaComponents } from './types.js';

export interface OpenAPIResourceInfo {
  plural: string;
  kind: string;
  namespaced: boolean;
  schemaName: string;
  /** 'status', 'scale', 'binding', 'log', 'exec', ... */
  subresources: string[];
  strategicMerge: boolean;
}

export interface OpenAPIDocInput {
  group: string;
  version: string;
  resources: OpenAPIResourceInfo[];
  components: SchemaComponents;
  kubeVersion: string;
}

type GVK = { group: string; version: string; kind: string };
type Operation = Record<string, unknown>;
type PathItem = Record<string, unknown>;

const SCHEMA_PREFIX = '#/components/schemas/';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';
const BINDING = 'io.k8s.api.core.v1.Binding';
const CONNECT_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);

const refTo = (name: string): JSONSchema => ({ $ref: SCHEMA_PREFIX + name });

function query(name: string, description: string, type: 'string' | 'boolean' | 'integer' = 'string'): object {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}
function pathParam(name: string, description: string): object {
  return { name, in: 'path', required: true, description, schema: { type: 'string', uniqueItems: true } };
}

const P = {
  pretty: query('pretty', "If 'true', then the output is pretty printed."),
  dryRun: query('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: All'),
  fieldManager: query('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  fieldValidation: query('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn or Strict.'),
  force: query('force', 'Force is going to "force" Apply requests. It must be unset for non-apply patch requests.', 'boolean'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
  ignoreStoreReadError: query('ignoreStoreReadErrorWithClusterBreakingPotential', 'if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error.', 'boolean'),
  orphanDependents: query('orphanDependents', 'Deprecated: please use the PropagationPolicy.', 'boolean'),
  propagationPolicy: query('propagationPolicy', "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
  list: [
    query('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
    query('continue', 'The continue option should be set when retrieving more results from the server.'),
    query('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
    query('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
    query('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
    query('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
    query('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
    query('sendInitialEvents', '`sendInitialEvents=true` may be set together with `watch=true`; the watch stream begins with synthetic events for the current state.', 'boolean'),
    query('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
    query('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
  ],
};

const JSON_TYPES = ['application/json', 'application/yaml'];
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
const SMP = 'application/strategic-merge-patch+json';

function content(schema: JSONSchema, types: string[] = JSON_TYPES): object {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}
function responses(codes: string[], schema: JSONSchema, types?: string[]): object {
  const text: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };
  const out: Record<string, unknown> = {};
  for (const c of codes) out[c] = { description: text[c], content: content(schema, types) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

/** 'coordination.k8s.io' → 'Coordination', '' → 'Core', with the version: 'CoordinationV1'. */
function opPrefix(group: string, version: string): string {
  const g = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '').split('.')[0]!;
  const camel = (s: string): string => s.replace(/(^|[-_])([a-z0-9])/g, (_m, _p, c: string) => c.toUpperCase());
  return camel(g) + camel(version);
}

class DocBuilder {
  readonly paths: Record<string, PathItem> = {};
  private readonly prefix: string;
  private readonly opPrefix: string;
  private readonly tag: string;

  constructor(private readonly input: OpenAPIDocInput) {
    this.prefix = input.group ? `/apis/${input.group}/${input.version}` : `/api/${input.version}`;
    this.opPrefix = opPrefix(input.group, input.version);
    this.tag = this.opPrefix.replace(/V/, '_v').toLowerCase();
  }

  addResource(r: OpenAPIResourceInfo): void {
    const gvk: GVK = { group: this.input.group, version: this.input.version, kind: r.kind };
    const ns = r.namespaced ? 'Namespaced' : '';
    const base = r.namespaced ? `${this.prefix}/namespaces/{namespace}/${r.plural}` : `${this.prefix}/${r.plural}`;
    const common = r.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects'), P.pretty] : [P.pretty];
    const itemCommon = [pathParam('name', `name of the ${r.kind}`), ...common];
    const kindRef = refTo(r.schemaName);
    const listName = `${r.schemaName}List`;
    const listRef = this.input.components[listName] ? refTo(listName) : { type: 'object' as const, 'x-kubernetes-preserve-unknown-fields': true as const };
    const listTypes = [...JSON_TYPES, 'application/json;stream=watch'];

    this.paths[base] = {
      parameters: common,
      get: this.op('list', `list${ns}${r.kind}`, `list or watch objects of kind ${r.kind}`, gvk, P.list, responses(['200'], listRef, listTypes)),
      post: this.op('post', `create${ns}${r.kind}`, `create a ${r.kind}`, gvk, [P.dryRun, P.fieldManager, P.fieldValidation], responses(['200', '201', '202'], kindRef), this.body(kindRef)),
      delete: this.op('deletecollection', `deleteCollection${ns}${r.kind}`, `delete collection of ${r.kind}`, gvk, [...P.list, P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy], responses(['200'], refTo(META + 'Status')), this.body(refTo(META + 'DeleteOptions'), false)),
    };
    this.paths[`${base}/{name}`] = {
      parameters: itemCommon,
      get: this.op('get', `read${ns}${r.kind}`, `read the specified ${r.kind}`, gvk, [], responses(['200'], kindRef)),
      put: this.op('put', `replace${ns}${r.kind}`, `replace the specified ${r.kind}`, gvk, [P.dryRun, P.fieldManager, P.fieldValidation], responses(['200', '201'], kindRef), this.body(kindRef)),
      patch: this.patchOp(`patch${ns}${r.kind}`, `partially update the specified ${r.kind}`, gvk, kindRef, r.strategicMerge),
      delete: this.op('delete', `delete${ns}${r.kind}`, `delete a ${r.kind}`, gvk, [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy], responses(['200', '202'], kindRef), this.body(refTo(META + 'DeleteOptions'), false)),
    };
    if (r.namespaced) {
      this.paths[`${this.prefix}/${r.plural}`] = {
        parameters: [P.pretty],
        get: this.op('list', `list${r.kind}ForAllNamespaces`, `list or watch objects of kind ${r.kind}`, gvk, P.list, responses(['200'], listRef, listTypes)),
      };
    }
    for (const sub of r.subresources) this.addSubresource(r, sub, `${base}/{name}/${sub}`, itemCommon, gvk, ns);
  }

  private addSubresource(r: OpenAPIResourceInfo, sub: string, path: string, params: object[], gvk: GVK, ns: string): void {
    const Sub = sub.charAt(0).toUpperCase() + sub.slice(1);
    const id = (verb: string): string => `${verb}${ns}${r.kind}${Sub}`;
    const write = [P.dryRun, P.fieldManager, P.fieldValidation];
    if (sub === 'binding') {
      const bgvk = { group: '', version: 'v1', kind: 'Binding' };
      this.paths[path] = { parameters: params, post: this.op('post', id('create'), `create binding of a ${r.kind}`, bgvk, write, responses(['200', '201', '202'], refTo(BINDING)), this.body(refTo(BINDING))) };
      return;
    }
    if (sub === 'eviction') {
      const eviction: JSONSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      const egvk = { group: 'policy', version: 'v1', kind: 'Eviction' };
      this.paths[path] = { parameters: params, post: this.op('post', id('create'), `create eviction of a ${r.kind}`, egvk, write, responses(['200', '201', '202'], eviction), this.body(eviction)) };
      return;
    }
    if (sub === 'token') {
      const tokenRequest: JSONSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      const tgvk = { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' };
      this.paths[path] = { parameters: params, post: this.op('post', id('create'), `create token of a ${r.kind}`, tgvk, write, responses(['200', '201', '202'], tokenRequest), this.body(tokenRequest)) };
      return;
    }
    const text: JSONSchema = { type: 'string' };
    if (sub === 'log') {
      this.paths[path] = { parameters: params, get: this.op('get', id('read'), `read log of the specified ${r.kind}`, gvk, [], responses(['200'], text, ['text/plain'])) };
      return;
    }
    if (CONNECT_SUBRESOURCES.has(sub) || sub === 'proxy') {
      const verbs = sub === 'proxy' ? ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] : ['get', 'post'];
      const item: PathItem = { parameters: params };
      for (const v of verbs) {
        const verbName = `connect${v.charAt(0).toUpperCase()}${v.slice(1)}`;
        item[v] = this.op('connect', id(verbName), `connect ${v.toUpperCase()} requests to ${sub} of ${r.kind}`, gvk, [], responses(['200'], text, ['*/*']));
      }
      this.paths[path] = item;
      return;
    }
    // status, scale, ephemeralcontainers, resize: read/replace/patch a view of the object.
    const isScale = sub === 'scale';
    const schema = isScale ? refTo(SCALE) : refTo(r.schemaName);
    const sgvk = isScale ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : gvk;
    this.paths[path] = {
      parameters: params,
      get: this.op('get', id('read'), `read ${sub} of the specified ${r.kind}`, sgvk, [], responses(['200'], schema)),
      put: this.op('put', id('replace'), `replace ${sub} of the specified ${r.kind}`, sgvk, write, responses(['200', '201'], schema), this.body(schema)),
      patch: this.patchOp(id('patch'), `partially update ${sub} of the specified ${r.kind}`, sgvk, schema, r.strategicMerge),
    };
  }

  private body(schema: JSONSchema, required = true): object {
    return { content: content(schema, ['*/*']), required };
  }

  private patchOp(id: string, description: string, gvk: GVK, schema: JSONSchema, smp: boolean): Operation {
    const types = smp ? [...PATCH_TYPES, SMP] : PATCH_TYPES;
    const body = { content: content(refTo(META + 'Patch'), types), required: true };
    return this.op('patch', id, description, gvk, [P.dryRun, P.fieldManager, P.fieldValidation, P.force], responses(['200', '201'], schema), body);
  }

  private op(action: string, id: string, description: string, gvk: GVK, parameters: object[], resp: object, requestBody?: object): Operation {
    const verb = id.match(/^[a-z]+/)![0];
    const o: Operation = {
      tags: [this.tag],
      description,
      operationId: `${verb}${this.opPrefix}${id.slice(verb.length)}`,
    };
    if (parameters.length) o['parameters'] = parameters;
    if (requestBody) o['requestBody'] = requestBody;
    o['responses'] = resp;
    o['x-kubernetes-action'] = action;
    o['x-kubernetes-group-version-kind'] = gvk;
    return o;
  }
}

/** Every `$ref` target name found anywhere inside `value`. */
function collectRefs(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(SCHEMA_PREFIX)) out.add(v.slice(SCHEMA_PREFIX.length));
      else collectRefs(v, out);
    }
  }
}

/** The named schemas plus everything they reach through `$ref`, in sorted order. */
export function reachableSchemas(roots: Iterable<string>, components: SchemaComponents): Record<string, JSONSchema> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    const schema = components[name];
    if (!schema) throw new Error(`openapi: schema ${name} is referenced but not defined`);
    seen.add(name);
    const refs = new Set<string>();
    collectRefs(schema, refs);
    queue.push(...refs);
  }
  return Object.fromEntries([...seen].sort().map((n) => [n, components[n]!]));
}

/** A complete OpenAPI 3.0 document for one group/version. */
export function buildOpenAPIV3Doc(input: OpenAPIDocInput): object {
  const b = new DocBuilder(input);
  for (const r of [...input.resources].sort((x, y) => x.plural.localeCompare(y.plural))) b.addResource(r);
  const roots = new Set<string>([META + 'Status', META + 'DeleteOptions', META + 'Patch']);
  collectRefs(b.paths, roots);
  for (const r of input.resources) roots.add(r.schemaName);
  const paths = Object.fromEntries(Object.keys(b.paths).sort().map((p) => [p, b.paths[p]]));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: input.kubeVersion },
    paths,
    components: {
      schemas: reachableSchemas(roots, input.components),
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
  };
}

/** JSON with object keys sorted, so equal documents hash equally regardless of build order. */
function canonicalJSON(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJSON).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJSON(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Stable uppercase hex digest for `serverRelativeURL ...?hash=` (clients cache documents by it). */
export function openapiHash(doc: object): string {
  return createHash('sha512').update(canonicalJSON(doc)).digest('hex').toUpperCase();
}
