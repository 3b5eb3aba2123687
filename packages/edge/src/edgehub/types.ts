import type { Message } from '@kedge/api';

/**
 * The edge's link to CloudHub, as the other edge modules see it. Messages use the edge resource
 * form (`{ns}/{type}/{name}`); CloudHub adds the node prefix.
 */
export interface EdgeLink {
  /** Queues a message for the cloud (rate-limited); returns false when the link is down and the message was not queued. */
  send(msg: Message): boolean;
  /** Sends and resolves with the cloud's message whose parent_msg_id is msg's id; rejects (ServiceUnavailable / Timeout ApiError) when offline or after timeoutMs. */
  request(msg: Message, timeoutMs?: number): Promise<Message>;
  /** Downstream messages that are not replies to a `request`. */
  onMessage(handler: (msg: Message) => void): void;
  /** Fires 'connected' after each successful (re)connect and 'disconnected' when the link drops. */
  onConnection(handler: (event: 'connected' | 'disconnected') => void): void;
  isConnected(): boolean;
}
