import { WebSocket } from 'ws';

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
  handshakeTimeoutMs: number;
  maxPayload: number;
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
    const ws = new WebSocket(cloudHubUrl(o.server, o.projectId, o.nodeName), {
      headers: { ConnectionUse: 'msg', node_id: o.nodeName, project_id: o.projectId },
      ca: o.tls.caPem,
      cert: o.tls.certPem,
      key: o.tls.keyPem,
      minVersion: 'TLSv1.2',
      handshakeTimeout: o.handshakeTimeoutMs,
      maxPayload: o.maxPayload,
      perMessageDeflate: false,
    });
    const settle = (err?: Error): void => {
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
    const onResponse = (_req: unknown, res: { statusCode?: number; statusMessage?: string }): void =>
      settle(new Error(`cloudhub refused the upgrade: ${res.statusCode ?? '?'} ${res.statusMessage ?? ''}`.trim()));
    const onAbort = (): void => settle(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    ws.once('open', onOpen);
    ws.once('error', onError);
    ws.once('unexpected-response', onResponse);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
