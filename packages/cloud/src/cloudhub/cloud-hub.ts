import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ACK_OK, NULL_NAMESPACE, decodeMessage, Op, prependNode, responseTo, type Message } from '@kedge/api';
import { createInformerFactory, type InformerFactory, type KubeClient, type Logger, type Module, untilAborted } from '@kedge/core';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { authenticate, refuseUpgrade } from './auth.js';
import { classify, resourceParts } from './classify.js';
import { NodeQueue } from './node-queue.js';
import { createSyncStore, type SyncStore } from './object-sync.js';
import { createRevocations, type Revocations } from './revocations.js';
import { Session } from './session.js';
import type { CloudHub, ConnectionEvent, HubStats, NodeSessionInfo } from './types.js';

export interface CloudHubOptions {
  client: KubeClient;
  log: Logger;
  /** Shared informer factory; when absent the hub makes and runs its own for ObjectSync caches. */
  informers?: InformerFactory;
  nodeLimit?: number;
  keepaliveTimeoutMs?: number;
  maxFrameBytes?: number;
  perNodeQps?: number;
  perNodeBurst?: number;
  ackTimeoutMs?: number;
  ackRetries?: number;
  /** Ack-required messages in flight per node. */
  ackWindow?: number;
  maxBackoffMs?: number;
  /** Upstream messages a node may have waiting on its rate limit before it is disconnected. */
  maxUpstreamBacklog?: number;
  /**
   * The durable revocation list, shared with the certificate server; loaded before the listener opens.
   * When absent the hub makes its own and loads it in start(), refusing connections until then.
   */
  revocations?: Revocations;
  now?: () => number;
}

export type CloudHubServer = CloudHub & Module & {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Test and shutdown hook: completes pending ObjectSync writes. */
  flushSyncs(): Promise<void>;
};

// Operations a KubeEdge edge may send (kubeedge-reference.md §2); anything else closes the connection.
const KNOWN_OPS = new Set<string>([
  ...Object.values(Op), 'config', 'ping', 'pong', 'unhold-upgrade', 'subscribe', 'unsubscribe', 'message', 'start', 'stop',
  'applicationResponse', 'watch', 'createvolume', 'deletevolume', 'controllerpublishvolume', 'controllerunpublishvolume',
  'prepull', 'upgrade', 'updateNodeActionStatus', 'rollback', 'backup',
]);
const CONTROL_OPS = new Set(['config', 'ping', 'pong']);
const KIND_BY_TYPE: Record<string, string> = {
  pod: 'Pod', configmap: 'ConfigMap', secret: 'Secret', service: 'Service', endpoints: 'Endpoints', node: 'Node',
  device: 'Device', devicemodel: 'DeviceModel', persistentvolume: 'PersistentVolume', persistentvolumeclaim: 'PersistentVolumeClaim',
};

/** Close codes: RFC 6455 §7.4.1, plus the 4000 private range for hub decisions. */
const CLOSE_INVALID = 1007;
const CLOSE_POLICY = 1008;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_REPLACED = 4000;
const CLOSE_KEEPALIVE = 4001;
const CLOSE_REVOKED = 4003;

/**
 * A stalled or vanished peer never answers the close frame, and ws would wait 30 s for it, holding the
 * listener's close() (and so a CloudCore restart) hostage; after a short grace such sockets are dropped.
 */
const SHUTDOWN_CLOSE_GRACE_MS = 1_000;

async function terminateLingering(sockets: WebSocket[], graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (sockets.some((ws) => ws.readyState !== ws.CLOSED) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const ws of sockets) if (ws.readyState !== ws.CLOSED) ws.terminate();
}

export function createCloudHub(opts: CloudHubOptions): CloudHubServer {
  const log = opts.log.child({ module: 'cloudhub' });
  const now = opts.now ?? Date.now;
  const nodeLimit = opts.nodeLimit ?? 1000;
  const keepaliveTimeoutMs = opts.keepaliveTimeoutMs ?? 30_000;
  const ackTimeoutMs = opts.ackTimeoutMs ?? 5_000;
  const limits = {
    qps: opts.perNodeQps ?? 50,
    burst: opts.perNodeBurst ?? 100,
    maxBacklog: opts.maxUpstreamBacklog ?? 1000,
    now,
  };
  const queueOpts = {
    ackTimeoutMs,
    ackRetries: opts.ackRetries ?? 4,
    window: opts.ackWindow ?? 128,
    maxBackoffMs: opts.maxBackoffMs ?? 300_000,
  };
  const sweepMs = Math.max(10, Math.min(1000, Math.floor(Math.min(keepaliveTimeoutMs, ackTimeoutMs) / 5)));

  const ownInformers = !opts.informers;
  const informers = opts.informers ?? createInformerFactory(opts.client, log);
  const syncs: SyncStore = createSyncStore({ client: opts.client, informers, log });
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxFrameBytes ?? 8 * 1024 * 1024, perMessageDeflate: false, clientTracking: false });

  const sessions = new Map<string, Session>();
  /** Per-node ack queues outlive sessions: changes made while a node is away wait here. */
  const queues = new Map<string, NodeQueue>();
  const revocations = opts.revocations ?? createRevocations({ client: opts.client, log: opts.log, now });
  const upstreamHandlers: Array<(node: string, msg: Message) => void> = [];
  const connectionHandlers: Array<(node: string, event: ConnectionEvent) => void> = [];
  let ready = false;
  let stopping = false;
  const stats: HubStats = { connects: 0, disconnects: 0, acks: 0, resends: 0, upstream: 0 };

  const queueFor = (node: string): NodeQueue => {
    let q = queues.get(node);
    if (!q) queues.set(node, (q = new NodeQueue({ ...queueOpts, acked: (uid) => syncs.acked(node, uid), resent: () => void stats.resends++ })));
    return q;
  };

  const emitConnection = (node: string, event: ConnectionEvent) => {
    if (event === 'connected') stats.connects++;
    else stats.disconnects++;
    for (const h of connectionHandlers) {
      try {
        h(node, event);
      } catch (err) {
        log.error({ err, node, event }, 'connection handler threw');
      }
    }
  };

  const deliverUpstream = (node: string) => (msg: Message) => {
    for (const h of upstreamHandlers) {
      try {
        h(node, msg);
      } catch (err) {
        log.error({ err, node, resource: msg.route.resource }, 'upstream handler threw');
      }
    }
  };

  /** Ends a session at once (the close handshake may take a while) and tells the handlers. */
  function closeSession(s: Session, code: number, reason: string): void {
    if (s.closed) return;
    s.dispose();
    if (sessions.get(s.node) === s) {
      sessions.delete(s.node);
      s.queue.reset();
      if (s.queue.isEmpty()) queues.delete(s.node);
      log.info({ node: s.node, reason: reason || 'closed by the edge' }, 'node disconnected');
      emitConnection(s.node, 'disconnected');
    }
    // A silent peer will not complete a close handshake either.
    if (code === CLOSE_KEEPALIVE) s.ws.terminate();
    else s.ws.close(code, reason);
  }

  function onAck(node: string, entry: ReturnType<NodeQueue['ack']>): void {
    if (!entry || entry.info.isResponse || !entry.info.uid) return;
    const content = entry.msg.content as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } } | undefined;
    const parts = resourceParts(entry.msg.route.resource);
    const namespace = content?.metadata?.namespace ?? (parts.namespace === NULL_NAMESPACE ? undefined : parts.namespace);
    if (entry.info.isDelete) {
      syncs.remove({ node, uid: entry.info.uid, namespace });
      return;
    }
    syncs.record({
      node,
      uid: entry.info.uid,
      namespace,
      apiVersion: content?.apiVersion ?? 'v1',
      kind: content?.kind ?? KIND_BY_TYPE[parts.type ?? ''] ?? String(parts.type ?? ''),
      name: content?.metadata?.name ?? parts.name ?? '',
      rv: entry.info.rv,
    });
  }

  function onFrame(s: Session, data: RawData, deliver: (msg: Message) => void): void {
    if (s.closed) return;
    s.lastSeen = now();
    let msg: Message;
    try {
      // ws hands over Buffers by default; decode in place rather than copying.
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      msg = decodeMessage(buf.toString('utf8'));
    } catch (err) {
      log.warn({ node: s.node, err: (err as Error).message }, 'invalid frame, closing connection');
      closeSession(s, CLOSE_INVALID, 'invalid message');
      return;
    }
    const op = msg.route.operation;
    if (!op || !KNOWN_OPS.has(op)) {
      log.warn({ node: s.node, operation: op }, 'unknown operation, closing connection');
      closeSession(s, CLOSE_POLICY, 'unknown operation');
      return;
    }
    if (op === Op.keepalive) return;
    if (CONTROL_OPS.has(op)) {
      s.send(responseTo(msg, 'ack', 'cloudhub'));
      return;
    }
    if (op === Op.response && msg.header.parent_msg_id) {
      if (msg.content === ACK_OK) {
        const entry = s.queue.ack(msg.header.parent_msg_id);
        if (entry) {
          stats.acks++;
          onAck(s.node, entry);
          if (ready) s.queue.pump(now(), s.write);
        }
        // An OK for a best-effort message (or a late duplicate) needs nothing more.
        return;
      }
    }
    if (op === Op.error) {
      log.warn({ node: s.node, parent: msg.header.parent_msg_id, resource: msg.route.resource, content: msg.content }, 'edge reported an error');
      return;
    }
    msg.route.resource = prependNode(s.node, msg.route.resource ?? '');
    stats.upstream++;
    if (!s.admit(msg, deliver)) {
      log.warn({ node: s.node, backlog: s.backlogLength() }, 'upstream backlog over limit, closing connection');
      closeSession(s, CLOSE_POLICY, 'upstream rate limit exceeded');
    }
  }

  function attach(ws: WebSocket, node: string, projectId: string, remoteAddress: string): void {
    const old = sessions.get(node);
    if (old) {
      log.info({ node }, 'node reconnected, replacing old session');
      closeSession(old, CLOSE_REPLACED, 'replaced by a new connection');
    }
    const queue = queueFor(node);
    const s = new Session(node, projectId, remoteAddress, now(), ws, queue, limits);
    const deliver = deliverUpstream(node);
    sessions.set(node, s);
    ws.on('message', (data) => onFrame(s, data, deliver));
    ws.on('error', (err) => {
      // ws closes with 1009 itself when a frame exceeds maxPayload.
      log.warn({ node, err: err.message }, 'websocket error, closing connection');
      closeSession(s, CLOSE_POLICY, 'protocol error');
    });
    ws.on('close', () => closeSession(s, CLOSE_GOING_AWAY, ''));
    log.info({ node, projectId, remoteAddress }, 'node connected');
    emitConnection(node, 'connected');
    if (ready) queue.pump(now(), s.write);
  }

  function sweep(): void {
    const t = now();
    for (const s of sessions.values()) {
      if (t - s.lastSeen > keepaliveTimeoutMs) {
        log.warn({ node: s.node, idleMs: t - s.lastSeen }, 'keepalive timeout, closing connection');
        closeSession(s, CLOSE_KEEPALIVE, 'keepalive timeout');
      } else if (ready && s.queue.needsTick()) {
        s.queue.tick(t, s.write);
      }
    }
  }

  return {
    name: 'cloudhub',

    handleUpgrade(req, socket, head) {
      try {
        if (stopping) return refuseUpgrade(socket, 503, 'cloudhub is shutting down');
        // Admitting a node before its revocation is known would let a deleted node's certificate in.
        if (!revocations.loaded()) return refuseUpgrade(socket, 503, 'cloudhub is starting');
        const auth = authenticate(req, revocations);
        if (!auth.ok) {
          log.warn({ node: req.headers['node_id'], status: auth.status, reason: auth.reason, remoteAddress: req.socket.remoteAddress }, 'connection refused');
          return refuseUpgrade(socket, auth.status, auth.reason);
        }
        if (!sessions.has(auth.node) && sessions.size >= nodeLimit) {
          log.warn({ node: auth.node, nodeLimit }, 'node limit reached, connection refused');
          return refuseUpgrade(socket, 429, `node limit ${nodeLimit} reached`);
        }
        const remoteAddress = `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? ''}`;
        wss.handleUpgrade(req, socket, head, (ws) => attach(ws, auth.node, auth.projectId, remoteAddress));
      } catch (err) {
        log.error({ err }, 'upgrade failed');
        socket.destroy();
      }
    },

    send(node, msg) {
      const info = classify(msg);
      if (!info) {
        const s = sessions.get(node);
        if (s) s.send(msg);
        else log.debug({ node, resource: msg.route.resource, operation: msg.route.operation }, 'node not connected, best-effort message dropped');
        return;
      }
      const q = queueFor(node);
      if (!q.enqueue(msg, info)) {
        if (q.isEmpty() && !sessions.has(node)) queues.delete(node);
        return;
      }
      const s = sessions.get(node);
      if (s && ready) q.pump(now(), s.write);
    },

    onUpstream: (h) => void upstreamHandlers.push(h),
    onConnection: (h) => void connectionHandlers.push(h),
    isConnected: (node) => sessions.has(node),

    stats: () => ({ ...stats }),

    sessions(): NodeSessionInfo[] {
      return [...sessions.values()].map((s) => ({
        node: s.node,
        projectId: s.projectId,
        remoteAddress: s.remoteAddress,
        connectedAt: s.connectedAt,
        queueDepth: s.queue.depth(),
        inFlight: s.queue.inFlight(),
      }));
    },

    revoke(node) {
      revocations.revoke(node);
      const s = sessions.get(node);
      if (s) closeSession(s, CLOSE_REVOKED, 'node revoked');
      // A deleted node's pending changes are moot; a re-registered node starts from its ObjectSyncs.
      queues.get(node)?.clear();
      queues.delete(node);
      log.info({ node }, 'node revoked, session closed');
    },

    async flushSyncs() {
      await syncs.flush();
    },

    async start(signal) {
      if (!opts.revocations) await revocations.load();
      const informersDone = ownInformers ? informers.start(signal) : undefined;
      const timer = setInterval(sweep, sweepMs);
      try {
        await syncs.waitForSync(signal);
        ready = true;
        log.info({ nodeLimit, sweepMs }, 'cloudhub ready');
        const t = now();
        for (const s of sessions.values()) s.queue.pump(t, s.write);
      } catch (err) {
        if (!signal.aborted) throw err;
      }
      await untilAborted(signal);
      stopping = true;
      clearInterval(timer);
      const closing = [...sessions.values()].map((s) => s.ws);
      for (const s of [...sessions.values()]) closeSession(s, CLOSE_GOING_AWAY, 'cloudhub shutting down');
      await terminateLingering(closing, SHUTDOWN_CLOSE_GRACE_MS);
      wss.close();
      await syncs.flush().catch((err: unknown) => log.warn({ err }, 'object sync flush at shutdown failed'));
      if (!opts.revocations) revocations.close();
      await informersDone;
    },
  };
}
