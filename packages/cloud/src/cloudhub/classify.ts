import { Op, parseEdgeResource, trimNodePrefix, type KubeObject, type Message, type ResourceParts } from '@kedge/api';

/** Where an ack-required message lives in a node's queue and what its ACK records. */
export interface AckInfo {
  /** Dedup key: the object UID; `msg:{id}` for responses, `res:{resource}` for deletes without a UID. */
  key: string;
  uid?: string;
  rv: string;
  isDelete: boolean;
  /** Replies to an edge query: delivered reliably but never deduplicated or recorded in ObjectSync. */
  isResponse: boolean;
}

// Resource types KubeEdge sends without waiting for an ACK (kubeedge-reference.md §4, noAckRequired).
const NO_ACK_FRAGMENTS = ['podlist', 'membership', 'twin/cloud_updated', 'serviceaccounttoken', 'k8s/ca.crt'];
const NO_ACK_TYPES = new Set(['lease', 'nodepatch', 'podpatch', 'podstatus', 'nodestatus', 'certificatesigningrequest']);
const NO_ACK_SOURCES = new Set(['taskmanager', 'nodeupgradejobcontroller']);

/** `{ns}/{type}/{name}` part of a cloud resource, split; tolerant of resources without a node prefix. */
export function resourceParts(resource: string | undefined): Partial<ResourceParts> {
  return parseEdgeResource(trimNodePrefix(resource ?? '')) ?? {};
}

function objectMeta(content: unknown): KubeObject['metadata'] | undefined {
  if (typeof content !== 'object' || content === null) return undefined;
  const m = (content as { metadata?: unknown }).metadata;
  return typeof m === 'object' && m !== null ? (m as KubeObject['metadata']) : undefined;
}

/**
 * KubeEdge's ack/no-ack split for cloud→edge messages: undefined means best effort. Everything in group
 * `resource` that names an object (UID + resourceVersion) is ack-required, deletes always are.
 */
export function classify(msg: Message): AckInfo | undefined {
  const { route, header } = msg;
  const resource = route.resource ?? '';
  const op = route.operation;
  if (route.group !== 'resource') return undefined;
  if (route.source && NO_ACK_SOURCES.has(route.source)) return undefined;
  if (op === 'applicationResponse' || op === Op.error) return undefined;
  for (const f of NO_ACK_FRAGMENTS) if (resource.includes(f)) return undefined;
  const type = resourceParts(resource).type;
  if (type && NO_ACK_TYPES.has(type)) return undefined;
  if (type === 'node' && op !== Op.update && op !== Op.delete) return undefined;

  const meta = objectMeta(msg.content);
  const uid = typeof meta?.uid === 'string' && meta.uid ? meta.uid : undefined;
  const rv = header.resourceversion || (typeof meta?.resourceVersion === 'string' ? meta.resourceVersion : '') || '0';
  if (op === Op.response) {
    // "OK" acks and string answers are fire-and-forget; object replies to queries are not.
    if (!uid) return undefined;
    return { key: `msg:${header.msg_id}`, uid, rv, isDelete: false, isResponse: true };
  }
  if (op === Op.delete) return { key: uid ?? `res:${resource}`, uid, rv, isDelete: true, isResponse: false };
  if (!uid || rv === '0') return undefined;
  return { key: uid, uid, rv, isDelete: false, isResponse: false };
}

/** Numeric comparison of resourceVersions (decimal strings of any length, as uint64 in KubeEdge). */
export function compareRv(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}
