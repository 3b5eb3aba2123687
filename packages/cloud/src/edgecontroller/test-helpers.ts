import { newMessage, prependNode, type KubeObject, type Message } from '@kedge/api';
import { waitFor } from '@kedge/core/testing/index.js';
import type { CloudHub, ConnectionEvent, NodeSessionInfo } from '../cloudhub/types.js';

export interface Sent {
  node: string;
  msg: Message;
}

/** In-memory CloudHub for controller tests: records sends and lets a test play the edges. */
export class FakeHub implements CloudHub {
  readonly sent: Sent[] = [];
  readonly revoked = new Set<string>();
  private readonly upstream: Array<(node: string, msg: Message) => void> = [];
  private readonly connection: Array<(node: string, event: ConnectionEvent) => void> = [];
  private readonly connected = new Set<string>();

  send(node: string, msg: Message): void {
    this.sent.push({ node, msg: structuredClone(msg) });
  }
  onUpstream(h: (node: string, msg: Message) => void): void {
    this.upstream.push(h);
  }
  onConnection(h: (node: string, event: ConnectionEvent) => void): void {
    this.connection.push(h);
  }
  isConnected(node: string): boolean {
    return this.connected.has(node);
  }
  sessions(): NodeSessionInfo[] {
    return [];
  }
  revoke(node: string): void {
    this.revoked.add(node);
  }

  connect(node: string): void {
    this.connected.add(node);
    for (const h of this.connection) h(node, 'connected');
  }

  /** Sends `msg` up as `node` (resource in edge form) and waits for the reply with its parent id. */
  async request(node: string, msg: Message, ms = 3000): Promise<Message> {
    const up: Message = { ...msg, route: { ...msg.route, resource: prependNode(node, msg.route.resource!) } };
    for (const h of this.upstream) h(node, up);
    let reply: Message | undefined;
    await waitFor(() => (reply = this.sent.find((s) => s.msg.header.parent_msg_id === msg.header.msg_id)?.msg) !== undefined, `reply to ${msg.route.operation} ${msg.route.resource}`, ms);
    return reply!;
  }

  /** Sends up without waiting for a reply. */
  push(node: string, msg: Message): void {
    const up: Message = { ...msg, route: { ...msg.route, resource: prependNode(node, msg.route.resource!) } };
    for (const h of this.upstream) h(node, up);
  }

  /** Downstream resource messages (not replies) sent to `node`. */
  resources(node?: string): Sent[] {
    return this.sent.filter((s) => !s.msg.header.parent_msg_id && (node === undefined || s.node === node));
  }

  clear(): void {
    this.sent.length = 0;
  }
}

export function edgeMsg(operation: string, resource: string, content?: unknown, sync = false): Message {
  return newMessage({ source: 'edged', group: 'meta', operation, resource, content, sync });
}

export const edgeNode = (name: string): KubeObject => ({
  metadata: { name, labels: { 'node-role.kubernetes.io/edge': '' } },
  spec: {},
  status: {},
});

export const podOn = (name: string, node: string, spec: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name, namespace: 'default' },
  spec: { nodeName: node, containers: [{ name: 'c', image: 'nginx' }], ...spec },
});
