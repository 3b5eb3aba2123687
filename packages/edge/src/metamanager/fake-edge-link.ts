import { ApiError, type Message } from '@kedge/api';
import type { EdgeLink } from '../edgehub/types.js';

/**
 * In-memory EdgeLink for tests: records what the edge sends and lets a test play the cloud
 * (`deliver` a downstream message, `answer` queries).
 */
export class FakeEdgeLink implements EdgeLink {
  readonly sent: Message[] = [];
  readonly requests: Message[] = [];
  connected = true;
  /** Answers `request`; undefined means the cloud never answers (the request times out). */
  answer: ((msg: Message) => Message | Promise<Message> | undefined) | undefined;
  /** Called synchronously on every send, e.g. to check what the store holds at ACK time. */
  onSend: ((msg: Message) => void) | undefined;
  private readonly handlers: ((msg: Message) => void)[] = [];
  private readonly connHandlers: ((e: 'connected' | 'disconnected') => void)[] = [];

  send(msg: Message): boolean {
    if (!this.connected) return false;
    this.onSend?.(msg);
    this.sent.push(msg);
    return true;
  }

  async request(msg: Message, timeoutMs = 60_000): Promise<Message> {
    if (!this.connected) throw new ApiError('ServiceUnavailable', 'edge link is disconnected');
    this.requests.push(msg);
    const reply = await this.answer?.(msg);
    if (reply) return reply;
    await new Promise((r) => setTimeout(r, timeoutMs));
    throw new ApiError('Timeout', `no reply to ${msg.header.msg_id} within ${timeoutMs} ms`);
  }

  onMessage(handler: (msg: Message) => void): void {
    this.handlers.push(handler);
  }

  onConnection(handler: (event: 'connected' | 'disconnected') => void): void {
    this.connHandlers.push(handler);
  }

  isConnected(): boolean {
    return this.connected;
  }

  deliver(msg: Message): void {
    for (const h of this.handlers) h(msg);
  }

  setConnected(up: boolean): void {
    this.connected = up;
    for (const h of this.connHandlers) h(up ? 'connected' : 'disconnected');
  }
}
