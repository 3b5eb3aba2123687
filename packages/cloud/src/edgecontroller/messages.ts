import { Group, Op, Source, apiVersionOf, buildCloudResource, newMessage, type KubeObject, type Message } from '@kedge/api';
import { refOfType, withTypeMeta } from './placement.js';
import type { PlacedType } from './references.js';

export interface DownstreamOptions {
  /** Namespace segment used for Node objects; edged uses its registerNodeNamespace, `default`. */
  nodeNamespace: string;
}

/** KubeEdge's downstream resource message: `node/{node}/{ns}/{type}/{name}`, header.resourceversion = object RV. */
export function downstreamMessage(node: string, op: string, type: PlacedType, obj: KubeObject, o: DownstreamOptions): Message {
  const ns = type === 'node' ? o.nodeNamespace : obj.metadata.namespace;
  return newMessage({
    source: Source.edgeController,
    group: Group.resource,
    operation: op,
    resource: buildCloudResource(node, ns, type, obj.metadata.name),
    content: withTypeMeta(type, obj),
    ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
  });
}

/** What a delete carries when the final object is unknown: enough for the edge to find and check it. */
export function minimalObject(type: PlacedType, namespace: string | undefined, name: string, uid: string | undefined, resourceVersion?: string): KubeObject {
  const r = refOfType[type];
  return {
    apiVersion: apiVersionOf(r),
    kind: r.kind,
    metadata: {
      name,
      ...(namespace && type !== 'node' ? { namespace } : {}),
      ...(uid ? { uid } : {}),
      ...(resourceVersion ? { resourceVersion } : {}),
    },
  };
}

export function deleteMessage(node: string, type: PlacedType, obj: KubeObject, o: DownstreamOptions): Message {
  return downstreamMessage(node, Op.delete, type, obj, o);
}

/** Numeric resourceVersion comparison (KubeEdge compares uint64); non-numeric versions differ = newer. */
export function rvNewer(candidate: string | undefined, recorded: string | undefined): boolean {
  if (!candidate) return false;
  if (!recorded) return true;
  if (/^\d+$/.test(candidate) && /^\d+$/.test(recorded)) return BigInt(candidate) > BigInt(recorded);
  return candidate !== recorded;
}
