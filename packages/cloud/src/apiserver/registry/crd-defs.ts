import type { KubeObject } from '@kedge/api';
import { builtinComponents } from '@kedge/api/schema/index.js';
import type { JSONSchema } from '@kedge/api/schema/types.js';
import { makeDef } from './builtins.js';
import type { ResourceDef } from './types.js';

/** `io.kubeedge.devices.v1beta1.Device`: the OpenAPI component name of a CR kind. */
export function crSchemaName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

/** The CRD's schema plus the object envelope every CR has, so those fields are not "unknown". */
export function crSchema(group: string, version: string, kind: string, schema: JSONSchema | undefined): JSONSchema {
  const base: JSONSchema = schema && typeof schema === 'object' ? structuredClone(schema) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  base.type = 'object';
  base.properties = {
    ...(base.properties ?? {}),
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
  };
  base['x-kubernetes-group-version-kind'] = [{ group, version, kind }];
  return base;
}

/** One definition per served version of a CRD (apiextensions.k8s.io/v1 shape). */
export function defsFromCRD(crd: KubeObject): ResourceDef[] {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  const group = String(spec.group ?? '');
  const kind = String(names.kind ?? '');
  const plural = String(names.plural ?? '');
  if (!group || !kind || !plural) return [];
  const out: ResourceDef[] = [];
  const served = ((spec.versions ?? []) as Array<Record<string, any>>).filter((v) => v?.name && v.served !== false).length;
  for (const ver of (spec.versions ?? []) as Array<Record<string, any>>) {
    if (!ver?.name || ver.served === false) continue;
    const version = String(ver.name);
    const sub = ver.subresources ?? spec.subresources ?? {};
    const hasStatus = sub.status !== undefined && sub.status !== null;
    const scale = sub.scale && typeof sub.scale === 'object' ? sub.scale : undefined;
    const schemaName = crSchemaName(group, version, kind);
    const schema = crSchema(group, version, kind, ver.schema?.openAPIV3Schema);
    out.push(makeDef({
      group, version, plural, kind,
      namespaced: spec.scope !== 'Cluster',
      singular: String(names.singular || kind.toLowerCase()),
      listKind: String(names.listKind || `${kind}List`),
      shortNames: Array.isArray(names.shortNames) ? names.shortNames.map(String) : [],
      categories: Array.isArray(names.categories) ? names.categories.map(String) : [],
      subresources: [...(hasStatus ? ['status'] : []), ...(scale ? ['scale'] : [])],
      hasStatus,
      generation: true,
      strategicMerge: false,
      schemaName,
      schema,
      printerColumns: Array.isArray(ver.additionalPrinterColumns) ? ver.additionalPrinterColumns : [],
      ...(scale ? { scale: { specReplicasPath: String(scale.specReplicasPath ?? '.spec.replicas'), statusReplicasPath: String(scale.statusReplicasPath ?? '.status.replicas'), ...(scale.labelSelectorPath ? { labelSelectorPath: String(scale.labelSelectorPath) } : {}) } } : {}),
      crdName: String(crd.metadata.name),
      multiVersion: served > 1,
    }, { ...builtinComponents, [schemaName]: schema }));
  }
  return out;
}
