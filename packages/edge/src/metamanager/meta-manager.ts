import {
  ACK_OK,
  buildEdgeResource,
  errorTo,
  Group,
  newMessage,
  NULL_NAMESPACE,
  Op,
  parseEdgeResource,
  responseTo,
  Source,
  type KubeObject,
  type Message,
} from '@kedge/api';
import type { Logger, Module } from '@kedge/core';
import type { EdgeLink } from '../edgehub/types.js';
import type { MetaStore } from './meta-store.js';
import { untilAborted } from '@kedge/core';

export type ObjectOp = 'insert' | 'update' | 'delete';
export type ObjectHandler = (op: ObjectOp, edgeType: string, obj: KubeObject) => void;

export interface MetaManagerOptions {
  store: MetaStore;
  link: EdgeLink;
  nodeName: string;
  log: Logger;
  /** How long a remote query waits for the cloud before answering from the cache (KubeEdge's remoteQueryTimeout). */
  remoteQueryTimeoutMs?: number;
}

export interface MetaManager extends Module {
  /** Edged's lookup: remote for the types KubeEdge fetches from the cloud when connected, else the cache. */
  query(edgeType: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  /** Local consumers (Edged) of cloud changes; called after the cache is written, before the ACK. */
  onObject(handler: ObjectHandler): void;
}

// Types KubeEdge's MetaManager queries remotely while connected (metamanager/process.go); node is
// included so a fresh edge learns its own Node before the cloud pushes it.
const REMOTE_TYPES = new Set(['configmap', 'secret', 'serviceaccounttoken', 'lease', 'node']);

class Malformed extends Error {}

function asObject(content: unknown): KubeObject | undefined {
  let v = content;
  // KubeEdge peers may send []byte content, which Go's JSON encodes as a base64 string.
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v.trim().startsWith('{') ? v : Buffer.from(v, 'base64').toString('utf8'));
    } catch {
      return undefined;
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as KubeObject;
  if (typeof o.metadata !== 'object' || o.metadata === null) return undefined;
  return o;
}

export function createMetaManager(opts: MetaManagerOptions): MetaManager {
  const { store, link, nodeName } = opts;
  const log = opts.log.child({ module: 'metamanager' });
  const timeoutMs = opts.remoteQueryTimeoutMs ?? 60_000;
  const handlers: ObjectHandler[] = [];
  // Messages before start() are handled too (the link may connect first); after shutdown the store may be closed.
  let stopped = false;

  function notify(op: ObjectOp, edgeType: string, obj: KubeObject): void {
    for (const h of handlers) {
      try {
        h(op, edgeType, obj);
      } catch (err) {
        log.error({ err, op, edgeType, name: obj.metadata.name }, 'object handler failed');
      }
    }
  }

  function apply(msg: Message, op: ObjectOp): void {
    const parts = parseEdgeResource(msg.route.resource ?? '');
    if (!parts) throw new Malformed(`invalid resource "${msg.route.resource ?? ''}"`);
    const ns = parts.namespace === NULL_NAMESPACE ? undefined : parts.namespace;
    const content = asObject(msg.content);
    if (op === 'delete') {
      const name = parts.name ?? content?.metadata.name;
      if (!name) throw new Malformed('delete without a name');
      const removed = store.delete(parts.type, ns, name, content?.metadata.uid);
      notify('delete', parts.type, removed ?? content ?? { metadata: { name, ...(ns ? { namespace: ns } : {}) } });
      return;
    }
    if (!content) throw new Malformed(`${op} content is not an object with metadata`);
    const name = content.metadata.name ?? parts.name;
    if (!name) throw new Malformed(`${op} without a name`);
    // The resource string is authoritative for where the object lives; fill what the content omits.
    const obj: KubeObject =
      content.metadata.name && (content.metadata.namespace || !ns)
        ? content
        : { ...content, metadata: { ...content.metadata, name, ...(ns && !content.metadata.namespace ? { namespace: ns } : {}) } };
    const result = store.put(obj, parts.type);
    if (result === 'ignored') {
      log.debug({ resource: msg.route.resource, rv: obj.metadata.resourceVersion }, 'older version ignored');
      return;
    }
    notify(op, parts.type, obj);
  }

  function handle(msg: Message): void {
    if (stopped) return;
    const group = msg.route?.group;
    if (group !== Group.resource && group !== Group.func) return;
    const op = msg.route.operation;
    if (op !== Op.insert && op !== Op.update && op !== Op.delete) {
      if (op !== Op.response && op !== Op.error) log.debug({ op, resource: msg.route.resource }, 'operation not handled');
      return;
    }
    try {
      apply(msg, op);
    } catch (err) {
      if (err instanceof Malformed) {
        log.warn({ msgId: msg.header?.msg_id, resource: msg.route.resource, reason: err.message }, 'malformed message');
        if (msg.header?.msg_id) link.send(errorTo(msg, err.message));
        return;
      }
      // Not ACKed: the cloud resends, and the cache gets another chance.
      log.error({ err, msgId: msg.header?.msg_id, resource: msg.route.resource }, 'cache write failed');
      return;
    }
    // The ACK goes last: CloudHub records delivery on it, so the object must already be on disk.
    link.send(responseTo(msg, ACK_OK));
  }

  function fromCache(edgeType: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return store.get(edgeType, namespace, name);
  }

  async function query(edgeType: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    if (!REMOTE_TYPES.has(edgeType) || !link.isConnected()) return fromCache(edgeType, namespace, name);
    const resource = buildEdgeResource(namespace, edgeType, name);
    const req = newMessage({ source: Source.edged, group: Group.meta, operation: Op.query, resource });
    try {
      const reply = await link.request(req, timeoutMs);
      const obj = reply.route.operation === Op.error ? undefined : asObject(reply.content);
      if (!obj) {
        log.debug({ resource, op: reply.route.operation }, 'remote query gave no object; answering from cache');
        return fromCache(edgeType, namespace, name);
      }
      try {
        store.put(obj.metadata.name ? obj : { ...obj, metadata: { ...obj.metadata, name } }, edgeType);
      } catch (err) {
        log.warn({ err, resource }, 'caching a query answer failed');
      }
      return obj;
    } catch (err) {
      log.debug({ err, resource }, 'remote query failed; answering from cache');
      return fromCache(edgeType, namespace, name);
    }
  }

  link.onMessage((msg) => handle(msg));

  return {
    name: 'metamanager',
    query,
    onObject(handler) {
      handlers.push(handler);
    },
    async start(signal: AbortSignal) {
      log.info({ node: nodeName }, 'metamanager started');
      await untilAborted(signal);
      stopped = true;
    },
  };
}
