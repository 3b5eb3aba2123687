import { ApiError } from '../errors.js';

/**
 * KubeEdge's beehive message, exactly as it crosses the CloudHub WebSocket (one JSON object per
 * text frame; kubeedge-reference.md §2). The same shape is used inside kedge's processes, so the
 * in-process format is the wire format. Field names and omitempty rules follow
 * beehive/pkg/core/model/message.go.
 */
export interface MessageHeader {
  msg_id: string;
  /** Set on responses: the msg_id being answered (edge ACKs and query replies rely on it). */
  parent_msg_id?: string;
  /** Unix milliseconds. */
  timestamp: number;
  /** The object's resourceVersion, for ack-required cloud→edge messages. */
  resourceversion?: string;
  sync?: boolean;
  type?: string;
}

export interface MessageRoute {
  source?: string;
  destination?: string;
  group?: string;
  operation?: string;
  /** Cloud side: `node/{node}/{ns}/{type}/{name}`; on the wire and at the edge: `{ns}/{type}/{name}`. */
  resource?: string;
}

export interface Message<C = unknown> {
  header: MessageHeader;
  route: MessageRoute;
  content?: C;
}

/** Operations (model/message.go, edge/pkg/common/message, cloudhub/common/model). */
export const Op = Object.freeze({
  insert: 'insert',
  update: 'update',
  patch: 'patch',
  delete: 'delete',
  query: 'query',
  upload: 'upload',
  response: 'response',
  error: 'error',
  keepalive: 'keepalive',
  connect: 'connect',
  connected: 'connected',
  disconnected: 'disconnected',
  publish: 'publish',
  subscribe: 'subscribe',
  get: 'get',
  getResult: 'get_result',
  list: 'list',
  detail: 'detail',
  delta: 'delta',
  document: 'document',
  updated: 'updated',
  deleted: 'deleted',
});

export const Group = Object.freeze({
  resource: 'resource',
  twin: 'twin',
  user: 'user',
  func: 'func',
  meta: 'meta',
  hub: 'hub',
  bus: 'bus',
  edged: 'edged',
  dynamicController: 'dynamiccontroller',
});

/** Module names as KubeEdge peers put them in `route.source` (note EdgeHub's is "websocket"). */
export const Source = Object.freeze({
  edgeController: 'edgecontroller',
  deviceController: 'devicecontroller',
  cloudHub: 'cloudhub',
  edgeHub: 'websocket',
  edged: 'edged',
  metaManager: 'metamanager',
  twin: 'twin',
  metaServer: 'metaserver',
});

/** Resource types in resource strings. */
export const ResType = Object.freeze({
  pod: 'pod',
  podList: 'podlist',
  podStatus: 'podstatus',
  podPatch: 'podpatch',
  node: 'node',
  nodeStatus: 'nodestatus',
  nodePatch: 'nodepatch',
  configmap: 'configmap',
  secret: 'secret',
  serviceAccountToken: 'serviceaccounttoken',
  event: 'event',
  lease: 'lease',
  service: 'service',
  endpoints: 'endpoints',
  device: 'device',
  deviceModel: 'devicemodel',
  membership: 'membership',
});

/** Content of an edge ACK (`response` with this content). */
export const ACK_OK = 'OK';

export interface NewMessageOptions {
  source?: string;
  group?: string;
  operation: string;
  resource: string;
  content?: unknown;
  resourceVersion?: string;
  parentId?: string;
  sync?: boolean;
  now?: number;
}

export function newMessage(o: NewMessageOptions): Message {
  const header: MessageHeader = { msg_id: globalThis.crypto.randomUUID(), timestamp: o.now ?? Date.now() };
  if (o.parentId) header.parent_msg_id = o.parentId;
  if (o.resourceVersion) header.resourceversion = o.resourceVersion;
  if (o.sync) header.sync = true;
  const route: MessageRoute = { operation: o.operation, resource: o.resource };
  if (o.source) route.source = o.source;
  if (o.group) route.group = o.group;
  const msg: Message = { header, route };
  if (o.content !== undefined) msg.content = o.content;
  return msg;
}

/** NewRespByMessage: new id, parent = m's id, same source/group/resource, operation `response`. */
export function responseTo(m: Message, content: unknown, source?: string): Message {
  return {
    header: { msg_id: globalThis.crypto.randomUUID(), parent_msg_id: m.header.msg_id, timestamp: Date.now(), ...(m.header.type ? { type: m.header.type } : {}) },
    route: { source: source ?? m.route.source, group: m.route.group, operation: Op.response, resource: m.route.resource },
    content,
  };
}

/** NewErrorMessage: operation `error`, content = the error text. */
export function errorTo(m: Message, text: string, source?: string): Message {
  const r = responseTo(m, text, source);
  r.route.operation = Op.error;
  return r;
}

export function encodeMessage(m: Message): string {
  return JSON.stringify(m);
}

/**
 * Parses one frame. Anything that is not a JSON object with a header (msg_id string, numeric
 * timestamp) and a route throws BadRequest, so a hub can close just that connection.
 */
export function decodeMessage(text: string): Message {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new ApiError('BadRequest', `invalid message: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ApiError('BadRequest', 'invalid message: not a JSON object');
  const m = v as Partial<Message>;
  if (typeof m.header !== 'object' || m.header === null) throw new ApiError('BadRequest', 'invalid message: missing header');
  if (typeof m.route !== 'object' || m.route === null) throw new ApiError('BadRequest', 'invalid message: missing route');
  if (typeof m.header.msg_id !== 'string' || m.header.msg_id === '') throw new ApiError('BadRequest', 'invalid message: header.msg_id must be a non-empty string');
  if (m.header.timestamp !== undefined && typeof m.header.timestamp !== 'number') throw new ApiError('BadRequest', 'invalid message: header.timestamp must be a number');
  for (const f of ['source', 'destination', 'group', 'operation', 'resource'] as const) {
    const x = m.route[f];
    if (x !== undefined && typeof x !== 'string') throw new ApiError('BadRequest', `invalid message: route.${f} must be a string`);
  }
  return m as Message;
}
