import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { RevocationCheck } from './revocations.js';

export type AuthResult =
  | { ok: true; node: string; projectId: string }
  | { ok: false; status: number; reason: string };

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Who is dialling: the `node_id` header, proven by a client certificate that TLS verified against the CA
 * and whose CN is `system:node:<node_id>` (KubeEdge's cloudHub.authorization check, always on in kedge),
 * and that was not issued before the node was revoked.
 */
export function authenticate(req: IncomingMessage, revocations: RevocationCheck): AuthResult {
  const node = header(req, 'node_id')?.trim();
  if (!node) return { ok: false, status: 400, reason: 'missing node_id header' };
  const projectId = header(req, 'project_id') ?? '';
  const sock = req.socket as Partial<TLSSocket>;
  if (typeof sock.getPeerCertificate !== 'function') return { ok: false, status: 401, reason: 'a client certificate is required (not a TLS connection)' };
  const cert = sock.getPeerCertificate();
  if (!cert || !cert.subject) return { ok: false, status: 401, reason: 'a client certificate is required' };
  if (!sock.authorized) return { ok: false, status: 401, reason: `client certificate not trusted: ${String(sock.authorizationError ?? 'unverified')}` };
  const cnRaw: unknown = cert.subject.CN;
  const cn = Array.isArray(cnRaw) ? String(cnRaw[0]) : String(cnRaw ?? '');
  if (cn !== `system:node:${node}`) return { ok: false, status: 403, reason: `certificate CN "${cn}" does not match node_id "${node}"` };
  if (revocations.isRevoked(node, new Date(cert.valid_from))) return { ok: false, status: 403, reason: `node "${node}" is revoked` };
  return { ok: true, node, projectId };
}

/** Answers a refused upgrade with a plain HTTP status and a one-line reason, then drops the socket. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.on('error', () => {});
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
