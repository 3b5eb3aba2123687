import { R, type ResourceRef } from '@kedge/api';

// Resource types as they appear in KubeEdge resource strings (`{ns}/{type}/{name}`) mapped to the REST
// resources the MetaServer serves them as (kubeedge-reference.md §2 resource types).
const byEdgeType: ReadonlyMap<string, ResourceRef> = new Map<string, ResourceRef>([
  ['pod', R.pods],
  ['configmap', R.configmaps],
  ['secret', R.secrets],
  ['service', R.services],
  ['endpoints', R.endpoints],
  ['node', R.nodes],
  ['namespace', R.namespaces],
  ['serviceaccount', R.serviceaccounts],
  ['event', R.events],
  ['lease', R.leases],
  ['device', R.devices],
  ['devicemodel', R.devicemodels],
]);

/** The REST resource behind an edge resource type; undefined for types kept only in the `meta` table. */
export function refForEdgeType(edgeType: string): ResourceRef | undefined {
  return byEdgeType.get(edgeType);
}

/** `schema.GroupVersionResource.String()` as KubeEdge writes it into `meta_v2.group_version_resource`. */
export function gvrString(r: ResourceRef): string {
  return `${r.group}/${r.version}, Resource=${r.resource}`;
}

/** meta_v2 key: `/{group or core}/{version}/{resource}/{namespace or null}/{name}`. */
export function metaV2Key(r: ResourceRef, namespace: string | undefined, name: string): string {
  return `/${r.group || 'core'}/${r.version}/${r.resource}/${(r.namespaced && namespace) || 'null'}/${name}`;
}
