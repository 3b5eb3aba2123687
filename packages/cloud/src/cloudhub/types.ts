import type { Message } from '@kedge/api';

export type ConnectionEvent = 'connected' | 'disconnected';

export interface NodeSessionInfo {
  node: string;
  projectId: string;
  remoteAddress: string;
  connectedAt: number;
  /** Messages waiting for this node (ack + no-ack queues). */
  queueDepth: number;
  /** Ack-required messages sent and not yet acknowledged. */
  inFlight: number;
}

/** Totals since CloudHub started, for metrics (issue 6). */
export interface HubStats {
  /** Edge connections accepted (first connects and reconnects). */
  connects: number;
  disconnects: number;
  /** Ack-required messages the edges acknowledged. */
  acks: number;
  /** Ack-required messages written again after an ACK timeout. */
  resends: number;
  /** Messages received from edges (after admission). */
  upstream: number;
}

/**
 * The seam between CloudHub (the WebSocket server every edge node dials) and the cloud controllers.
 * Controllers never see sockets: they hand messages to `send` and receive upstream messages.
 */
export interface CloudHub {
  /**
   * Queues a message for `node`. `msg.route.resource` is in cloud form (`node/{node}/{ns}/{type}/{name}`);
   * the hub trims the node prefix before writing to the socket. Ack-required messages (group
   * `resource` with a resourceversion, and deletes) are deduplicated per object UID keeping only the
   * newest resourceVersion, resent until the edge answers `response`/"OK", and recorded in
   * ObjectSync/ClusterObjectSync on ack. Everything else is best effort. Messages for a node that is
   * not connected wait in its queue (ack-required ones) or are dropped (no-ack).
   */
  send(node: string, msg: Message): void;
  /** Every upstream message from any edge, resource already prefixed with `node/{id}/`. */
  onUpstream(handler: (node: string, msg: Message) => void): void;
  onConnection(handler: (node: string, event: ConnectionEvent) => void): void;
  isConnected(node: string): boolean;
  sessions(): NodeSessionInfo[];
  /** Counters since start; optional so test doubles need not implement it. */
  stats?(): HubStats;
  /**
   * Node deleted = revoked: closes the node's session and durably refuses every certificate of `node`
   * issued up to now (the CloudHub and certificate-renewal checks). A later token-based join gets a new
   * certificate, which is accepted; there is no way to re-admit an old certificate.
   */
  revoke(node: string): void;
}
