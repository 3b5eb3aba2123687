import { R, type KubeObject } from '@kedge/api';
import { resourceKey } from '@kedge/core';

// What CloudCore's informers drop before caching. At 5,000 nodes the Node cache was the largest
// thing CloudCore held; these fields are never read by EdgeController, SyncController or CloudHub.
// Node status.images is also not sent down: an edge reports its own images and never reads them back.
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function stripMeta(o: KubeObject): KubeObject {
  const { managedFields, annotations } = o.metadata;
  if (managedFields === undefined && (annotations === undefined || !(LAST_APPLIED in annotations))) return o;
  const { managedFields: _m, ...metadata } = o.metadata;
  if (annotations && LAST_APPLIED in annotations) {
    const { [LAST_APPLIED]: _a, ...rest } = annotations;
    metadata.annotations = rest;
  }
  return { ...o, metadata };
}

function stripNode(o: KubeObject): KubeObject {
  const n = stripMeta(o);
  const status = n.status as Record<string, unknown> | undefined;
  if (!status || status.images === undefined) return n;
  const { images: _i, ...rest } = status;
  return { ...n, status: rest };
}

export function cloudCoreCacheTransforms(): Record<string, (o: KubeObject) => KubeObject> {
  return {
    [resourceKey(R.nodes)]: stripNode,
    [resourceKey(R.pods)]: stripMeta,
    [resourceKey(R.configmaps)]: stripMeta,
    [resourceKey(R.secrets)]: stripMeta,
  };
}
