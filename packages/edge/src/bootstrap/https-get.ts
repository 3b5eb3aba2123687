import { request, type Agent } from 'node:https';
import { ApiError } from '@kedge/api';

export interface CloudGetOptions {
  /** PEM CA to verify the server against; omitted = do not verify (only for fetching the CA itself). */
  ca?: string;
  /** TLS client certificate and key (certificate rotation). */
  cert?: string;
  key?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  timeoutMs: number;
  /** A keep-alive agent lets many requests share one TLS session (hollow nodes); default: a new connection. */
  agent?: Agent;
}

export interface CloudResponse {
  status: number;
  body: Buffer;
}

const MAX_RESPONSE_BYTES = 1 << 20;

// TLS verification failures are not "cannot reach": the cloud answered, with the wrong certificate.
const TLS_CODES = /^(ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_SSL_)/;

/**
 * One GET to the certificate server (a GET that may carry a body, as KubeEdge's edgecore sends it).
 * Every failure becomes one ApiError line naming the cloud and the cause.
 */
export function cloudGet(url: URL, o: CloudGetOptions): Promise<CloudResponse> {
  const origin = url.origin;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...o.headers };
    if (o.body) headers['Content-Length'] = o.body.length;
    const req = request(url, {
      method: 'GET',
      headers,
      agent: o.agent ?? false,
      rejectUnauthorized: o.ca !== undefined,
      ...(o.ca !== undefined ? { ca: o.ca } : {}),
      ...(o.cert !== undefined ? { cert: o.cert, key: o.key } : {}),
      timeout: o.timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE_BYTES) req.destroy(new ApiError('InternalError', `the cloud at ${origin} sent more than ${MAX_RESPONSE_BYTES} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', (err) => reject(mapError(err, origin, o.timeoutMs)));
    });
    req.on('timeout', () => req.destroy(new ApiError('Timeout', `timed out after ${o.timeoutMs} ms waiting for the cloud at ${origin}`)));
    req.on('error', (err) => reject(mapError(err, origin, o.timeoutMs)));
    req.end(o.body ? Buffer.from(o.body) : undefined);
  });
}

function mapError(err: Error & { code?: string }, origin: string, timeoutMs: number): Error {
  if (err instanceof ApiError) return err;
  const code = err.code ?? '';
  if (code === 'ETIMEDOUT') return new ApiError('Timeout', `timed out after ${timeoutMs} ms waiting for the cloud at ${origin}`, { cause: err });
  if (TLS_CODES.test(code)) {
    return new ApiError('Unauthorized', `the cloud at ${origin} presented a certificate its CA does not vouch for: ${code}`, { cause: err });
  }
  return new ApiError('ServiceUnavailable', `cannot reach the cloud at ${origin}: ${code || err.message}`, { cause: err });
}
