import type { KubeObject } from '../meta.js';
import { makeCRD, obj, root, str } from './crd.js';

// kubeedge reliablesyncs.kubeedge.io/v1alpha1: one object per (node, object UID), named `{node}.{uid}`.
const schema = (kind: string) => root(
  obj({
    objectAPIVersion: str('ObjectAPIVersion is the APIVersion of the object that was successfully persisted to the edge node.'),
    objectKind: str('ObjectType is the kind of the object that was successfully persisted to the edge node.'),
    objectName: str('ObjectName is the name of the object that was successfully persisted to the edge node.'),
  }),
  obj({ objectResourceVersion: str('ObjectResourceVersion is the resourceVersion of the object that was successfully persisted to the edge node.') }),
  `${kind} stores the resourceVersion of an object last acknowledged by an edge node`,
);

export const objectSyncCRD: KubeObject = makeCRD({
  group: 'reliablesyncs.kubeedge.io',
  kind: 'ObjectSync',
  plural: 'objectsyncs',
  singular: 'objectsync',
  scope: 'Namespaced',
  versions: [{ name: 'v1alpha1', schema: schema('ObjectSync'), status: true }],
});

export const clusterObjectSyncCRD: KubeObject = makeCRD({
  group: 'reliablesyncs.kubeedge.io',
  kind: 'ClusterObjectSync',
  plural: 'clusterobjectsyncs',
  singular: 'clusterobjectsync',
  scope: 'Cluster',
  versions: [{ name: 'v1alpha1', schema: schema('ClusterObjectSync'), status: true }],
});
