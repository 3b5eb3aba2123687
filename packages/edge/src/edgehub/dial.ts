import type { IncomingMessage } from 'node:http';
import { createSecureContext, type SecureContext } from 'node:tls';
import { WebSocket, type ClientOptions } from 'ws';

export interface EdgeTls {
  /** The cloud's CA (rootCA.crt); the CloudHub server certificate must chain to it. */
  caPem: string;
  certPem: string;
  keyPem: string;
}

export interface DialOptions {
  /** host:port of CloudHub. */
  server: string;
  nodeName: string;
  projectId: string;
  tls: EdgeTls;
  /** The TLS context built from `tls` (secureContextFor); rebuilt per dial when omitted. */
  secureContext?: SecureContext;
  handshakeTimeoutMs: number;
  maxPayload: number;
}

/** CloudHub answered the upgrade with an HTTP error: it was reached, and it said no (and usually why). */
export class UpgradeRefusedError extends Error {
  constructor(readonly status: number, statusText: string, readonly reason: string) {
    super(`cloudhub refused the connection: ${statusText}${reason ? `: ${reason}` : ''}`);
    this.name = 'UpgradeRefusedError';
  }
}

/**
 * The client TLS context for one identity. Building it parses the CA, certificate and key and creates
 * an OpenSSL context (~2–3 ms of CPU); EdgeHub keeps it across reconnects of the same certificates.
 */
export function secureContextFor(tls: EdgeTls): SecureContext {
  return createSecureContext({ ca: tls.caPem, cert: tls.certPem, key: tls.keyPem, minVersion: 'TLSv1.2' });
}

/** kubeedge-reference.md §3: `wss://{server}/{projectID}/{nodeName}/events`. */
export function cloudHubUrl(server: string, projectId: string, nodeName: string): string {
  return `wss://${server}/${encodeURIComponent(projectId)}/${encodeURIComponent(nodeName)}/events`;
}

/**
 * Opens one mutual-TLS WebSocket to CloudHub and resolves once the upgrade completes. Identity travels
 * in the `node_id` / `project_id` headers, as edgecore sends them (appendix "observed on the wire").
 */
export function dialCloudHub(o: DialOptions, signal: AbortSignal): Promise<WebSocket> {
  return new Promise<WebSocket>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    // ws leaves SNI empty for IP targets (the server certificate carries an IP SAN) and sets it for
    // DNS names; Node's defaults include the ECDHE-ECDSA suites CloudHub restricts itself to.
    // ws hands unknown options to tls.connect; its typings just do not list secureContext.
    const options: ClientOptions & { secureContext: SecureContext } = {
      headers: { ConnectionUse: 'msg', node_id: o.nodeName, project_id: o.projectId },
      secureContext: o.secureContext ?? secureContextFor(o.tls),
      minVersion: 'TLSv1.2',
      handshakeTimeout: o.handshakeTimeoutMs,
      maxPayload: o.maxPayload,
      perMessageDeflate: false,
    };
    const ws = new WebSocket(cloudHubUrl(o.server, o.projectId, o.nodeName), options);
    let settled = false;
    const settle = (err?: Error): void => {
      if (settled) return;
      settled = true;
      ws.off('open', onOpen);
      ws.off('error', onError);
      ws.off('unexpected-response', onResponse);
      signal.removeEventListener('abort', onAbort);
      if (err) {
        ws.on('error', () => {});
        ws.terminate();
        reject(err);
      } else resolve(ws);
    };
    const onOpen = (): void => settle();
    const onError = (err: Error): void => settle(err);
    const onResponse = (_req: unknown, res: IncomingMessage): void => {
      // CloudHub says why in a short text body (revoked, node_id mismatch, limit); a bounded read of it.
      let body = '';
      const done = (): void => {
        clearTimeout(timer);
        res.removeAllListeners('data');
        res.resume();
        settle(new UpgradeRefusedError(res.statusCode ?? 0, `${res.statusCode ?? '?'} ${res.statusMessage ?? ''}`.trim(), body.trim().slice(0, 300)));
      };
      const timer = setTimeout(done, 1000);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 300) done();
      });
      res.once('end', done);
      res.once('error', done);
    };
    const onAbort = (): void => settle(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    ws.once('open', onOpen);
    ws.once('error', onError);
    ws.once('unexpected-response', onResponse);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
