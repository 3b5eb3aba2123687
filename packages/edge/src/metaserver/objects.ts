import { apiVersionOf, matchFields, matchLabels, fieldSetFor, type FieldSelector, type KubeObject, type LabelSelector, type ResourceRef } from '@kedge/api';

/**
 * The object as the MetaServer serves it: kind/apiVersion filled in (the cloud may omit them) and
 * resourceVersion replaced by the cache's local revision, because list and watch resume points are
 * local revisions and clients take their next resume point from the objects they saw.
 */
export function servedObject(obj: KubeObject, ref: ResourceRef, revision: number): KubeObject {
  return { ...obj, apiVersion: apiVersionOf(ref), kind: ref.kind, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}

/** Key fieldSetFor expects: plural for core, `group/plural` otherwise. */
export function fieldKey(ref: ResourceRef): string {
  return ref.group ? `${ref.group}/${ref.resource}` : ref.resource;
}

export interface Filter {
  ref: ResourceRef;
  namespace?: string;
  labels: LabelSelector;
  fields: FieldSelector;
}

export function matches(f: Filter, obj: KubeObject): boolean {
  if (f.ref.namespaced && f.namespace && obj.metadata.namespace !== f.namespace) return false;
  return matchLabels(f.labels, obj.metadata.labels) && matchFields(f.fields, fieldSetFor(fieldKey(f.ref), obj));
}
