// Small builders that keep the built-in schema tables readable. The output follows the shape of
// the upstream Kubernetes OpenAPI v3 documents (refs as allOf + description, list extensions on
// arrays) so kubectl explain, strategic merge patch and strict field validation read the same data.
import type { JSONSchema } from '../types.js';

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
export const CORE = 'io.k8s.api.core.v1.';
export const APPS = 'io.k8s.api.apps.v1.';
export const COORD = 'io.k8s.api.coordination.v1.';
export const AUTOSCALING = 'io.k8s.api.autoscaling.v1.';
export const APIEXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';

export const REF_PREFIX = '#/components/schemas/';

const withDesc = (s: JSONSchema, description?: string): JSONSchema =>
  description === undefined ? s : { ...s, description };

export const str = (description?: string, extra?: JSONSchema): JSONSchema =>
  withDesc({ type: 'string', ...extra }, description);
export const int = (description?: string): JSONSchema => withDesc({ type: 'integer', format: 'int32' }, description);
export const int64 = (description?: string): JSONSchema => withDesc({ type: 'integer', format: 'int64' }, description);
export const num = (description?: string): JSONSchema => withDesc({ type: 'number', format: 'double' }, description);
export const bool = (description?: string): JSONSchema => withDesc({ type: 'boolean' }, description);
/** base64-encoded bytes ([]byte in Go), e.g. Secret.data values. */
export const bytes = (description?: string): JSONSchema => withDesc({ type: 'string', format: 'byte' }, description);

export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** The body of the IntOrString/Quantity components: CRD structural-schema int-or-string form. */
export const intOrStringBody = (description: string): JSONSchema => ({
  description,
  'x-kubernetes-int-or-string': true,
  anyOf: [{ type: 'integer' }, { type: 'string' }],
});

// The field keeps the extension itself (validators need not follow the ref) and refers to the named
// component so kubectl explain prints <IntOrString>/<Quantity> as upstream does.
const namedIntOrString = (component: string, description?: string): JSONSchema =>
  withDesc({ allOf: [{ $ref: REF_PREFIX + component }], 'x-kubernetes-int-or-string': true }, description);

/** Either an integer or a string (ports by name, percentages). */
export const intOrString = (description?: string): JSONSchema => namedIntOrString(INT_OR_STRING, description);
/** resource.Quantity: "500m", "1Gi" or a bare number; accepted like int-or-string. */
export const quantity = (description?: string): JSONSchema => namedIntOrString(QUANTITY, description);

/** A reference to another component: plain `$ref`, or upstream's `allOf` form when described. */
export function ref(name: string, description?: string, opts: { default?: unknown } = {}): JSONSchema {
  const target = { $ref: REF_PREFIX + name };
  if (description === undefined && opts.default === undefined) return target;
  const s: JSONSchema = { allOf: [target] };
  if (opts.default !== undefined) s.default = opts.default;
  return withDesc(s, description);
}
/** A non-pointer struct field: upstream marks these with `default: {}`. */
export const sub = (name: string, description?: string): JSONSchema => ref(name, description, { default: {} });

export const time = (description?: string): JSONSchema => ref(META + 'Time', description);
export const microTime = (description?: string): JSONSchema => ref(META + 'MicroTime', description);

export const map = (values: JSONSchema, description?: string, extra?: JSONSchema): JSONSchema =>
  withDesc({ type: 'object', additionalProperties: values, ...extra }, description);
export const strMap = (description?: string): JSONSchema => map({ type: 'string', default: '' }, description);
export const quantityMap = (description?: string): JSONSchema => map(quantity(), description);

export interface ListOpts {
  mergeKey?: string;
  /** 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace' */
  strategy?: string;
  listType?: 'atomic' | 'set' | 'map';
  mapKeys?: string[];
}

export function arr(items: JSONSchema, description?: string, opts: ListOpts = {}): JSONSchema {
  const s: JSONSchema = { type: 'array', items };
  if (opts.listType === 'map') s['x-kubernetes-list-map-keys'] = opts.mapKeys ?? (opts.mergeKey ? [opts.mergeKey] : []);
  if (opts.listType) s['x-kubernetes-list-type'] = opts.listType;
  if (opts.mergeKey) s['x-kubernetes-patch-merge-key'] = opts.mergeKey;
  if (opts.strategy) s['x-kubernetes-patch-strategy'] = opts.strategy;
  return withDesc(s, description);
}
export const strList = (description?: string, opts?: ListOpts): JSONSchema =>
  arr({ type: 'string', default: '' }, description, opts);
export const atomicStrList = (description?: string): JSONSchema => strList(description, { listType: 'atomic' });
/** A list of structs merged by key, as upstream's `+listType=map +patchStrategy=merge`. */
export const keyedList = (items: JSONSchema, key: string | string[], description?: string, strategy = 'merge'): JSONSchema => {
  const keys = Array.isArray(key) ? key : [key];
  // An empty strategy means a server-side-apply map list that strategic merge patch replaces whole.
  if (!strategy) return arr(items, description, { listType: 'map', mapKeys: keys });
  return arr(items, description, { mergeKey: keys[0], strategy, listType: 'map', mapKeys: keys });
};

export interface ObjOpts {
  description?: string;
  required?: string[];
  /** Accept fields not listed (sub-objects whose full field set kedge does not model). */
  preserve?: boolean;
  mapType?: 'atomic' | 'granular';
  gvk?: { group: string; version: string; kind: string };
}

export function obj(properties: Record<string, JSONSchema>, opts: ObjOpts = {}): JSONSchema {
  const s: JSONSchema = {};
  if (opts.description !== undefined) s.description = opts.description;
  s.type = 'object';
  s.properties = properties;
  if (opts.required?.length) s.required = opts.required;
  if (opts.preserve) s['x-kubernetes-preserve-unknown-fields'] = true;
  if (opts.mapType) s['x-kubernetes-map-type'] = opts.mapType;
  if (opts.gvk) s['x-kubernetes-group-version-kind'] = [opts.gvk];
  return s;
}

/** An object whose fields kedge does not model but must accept and keep verbatim. */
export const open = (description?: string): JSONSchema =>
  withDesc({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, description);

const API_VERSION_DESC =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.';
const KIND_DESC =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. In CamelCase.';

export const typeMetaProps = (): Record<string, JSONSchema> => ({
  apiVersion: str(API_VERSION_DESC),
  kind: str(KIND_DESC),
});

/** A top-level kind: TypeMeta + ObjectMeta + the given body fields, tagged with its GVK. */
export function kind(
  group: string,
  version: string,
  kindName: string,
  description: string,
  body: Record<string, JSONSchema>,
  opts: { required?: string[] } = {},
): JSONSchema {
  return obj(
    {
      ...typeMetaProps(),
      metadata: sub(META + 'ObjectMeta', "Standard object's metadata."),
      ...body,
    },
    { description, gvk: { group, version, kind: kindName }, required: opts.required },
  );
}

/** The `<Kind>List` companion of a top-level kind. */
export function listKind(group: string, version: string, kindName: string, itemSchema: string): JSONSchema {
  return obj(
    {
      ...typeMetaProps(),
      items: arr(ref(itemSchema), `List of ${kindName} objects.`),
      metadata: sub(META + 'ListMeta', "Standard list metadata."),
    },
    { description: `${kindName}List is a list of ${kindName} objects.`, required: ['items'], gvk: { group, version, kind: `${kindName}List` } },
  );
}
