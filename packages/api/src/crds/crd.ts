import type { KubeObject } from '../meta.js';
import type { JSONSchema } from '../schema/types.js';

export interface CRDVersionSpec {
  name: string;
  schema: JSONSchema;
  status?: boolean;
  printerColumns?: { name: string; type: string; jsonPath: string; description?: string; priority?: number; format?: string }[];
}

export interface CRDSpec {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
  scope: 'Namespaced' | 'Cluster';
  versions: CRDVersionSpec[];
}

/** An apiextensions.k8s.io/v1 CustomResourceDefinition object; the first version is the storage version. */
export function makeCRD(s: CRDSpec): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${s.plural}.${s.group}` },
    spec: {
      group: s.group,
      names: {
        kind: s.kind,
        listKind: s.listKind ?? `${s.kind}List`,
        plural: s.plural,
        singular: s.singular,
        ...(s.shortNames ? { shortNames: s.shortNames } : {}),
        ...(s.categories ? { categories: s.categories } : {}),
      },
      scope: s.scope,
      versions: s.versions.map((v, i) => ({
        name: v.name,
        served: true,
        storage: i === 0,
        schema: { openAPIV3Schema: v.schema },
        ...(v.status ? { subresources: { status: {} } } : {}),
        ...(v.printerColumns ? { additionalPrinterColumns: v.printerColumns } : {}),
      })),
    },
  };
}

// Schema helpers: keep the CRD files readable.
export const str = (description?: string): JSONSchema => ({ type: 'string', ...(description ? { description } : {}) });
export const int = (description?: string): JSONSchema => ({ type: 'integer', format: 'int64', ...(description ? { description } : {}) });
export const bool = (description?: string): JSONSchema => ({ type: 'boolean', ...(description ? { description } : {}) });
export const obj = (properties: Record<string, JSONSchema>, extra: Partial<JSONSchema> = {}): JSONSchema => ({ type: 'object', properties, ...extra });
export const arr = (items: JSONSchema, description?: string): JSONSchema => ({ type: 'array', items, ...(description ? { description } : {}) });
export const free = (description?: string): JSONSchema => ({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, ...(description ? { description } : {}) });
export const stringMap = (description?: string): JSONSchema => ({ type: 'object', additionalProperties: { type: 'string' }, ...(description ? { description } : {}) });

/** Root of every CR schema: apiVersion/kind/metadata as apiextensions requires for structural schemas. */
export const root = (spec: JSONSchema, status?: JSONSchema, description?: string): JSONSchema =>
  obj({ apiVersion: str(), kind: str(), metadata: { type: 'object' }, spec, ...(status ? { status } : {}) }, description ? { description } : {});
