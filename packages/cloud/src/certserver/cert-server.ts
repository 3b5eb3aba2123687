import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ApiError, isApiError } from '@kedge/api';
import type { Logger } from '@kedge/core';
import { pemToDer, signCSR, type CertUsage } from '../pki/index.js';
import type { RevocationCheck } from '../cloudhub/revocations.js';
import type { CloudPKI } from './cloud-pki.js';

// The HTTPS endpoint on :10002 that edge nodes bootstrap from (KubeEdge cloudhub httpserver):
// GET /ca.crt, GET /edge.crt (DER CSR in the body of a GET), GET /node/{name}.

const MAX_CSR_BYTES = 1 << 20;
const NODE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Go's crypto/x509 ExtKeyUsage enum values that matter here.
const EKU_SERVER_AUTH = 1;
const EKU_CLIENT_AUTH = 2;

export interface TokenVerifier {
  /** Throws an Unauthorized ApiError naming the cause. */
  verify(jwt: string): void;
}

export interface CertServerOptions {
  pki: Pick<CloudPKI, 'caDer' | 'caCertPem' | 'ca'>;
  tokens: TokenVerifier;
  log: Logger;
  certDays?: number;
  nodeExists?: (name: string) => Promise<boolean>;
  /** Revoked nodes (CloudHub's list): their certificates cannot renew themselves. */
  revocations?: RevocationCheck;
  now?: () => number;
}

export interface CertServer {
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new ApiError('RequestEntityTooLarge', `certificate request larger than ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new ApiError('RequestEntityTooLarge', `certificate request larger than ${limit} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function usageFrom(header: string | string[] | undefined): CertUsage {
  if (header === undefined) return 'client';
  let list: unknown;
  try {
    list = JSON.parse(Array.isArray(header) ? header[0]! : header);
  } catch {
    throw new ApiError('BadRequest', 'ExtKeyUsages header must be a JSON list of integers');
  }
  if (!Array.isArray(list) || !list.every((n) => Number.isInteger(n))) {
    throw new ApiError('BadRequest', 'ExtKeyUsages header must be a JSON list of integers');
  }
  const server = list.includes(EKU_SERVER_AUTH);
  const client = list.includes(EKU_CLIENT_AUTH) || list.length === 0;
  return server && client ? 'both' : server ? 'server' : 'client';
}

function send(res: ServerResponse, code: number, body: string | Uint8Array, type = 'text/plain; charset=utf-8'): void {
  if (res.headersSent) return;
  const data = typeof body === 'string' ? Buffer.from(body + '\n') : Buffer.from(body);
  res.writeHead(code, { 'Content-Type': type, 'Content-Length': data.length });
  res.end(data);
}

export function createCertServer(opts: CertServerOptions): CertServer {
  const log = opts.log.child({ module: 'certserver' });
  const certDays = opts.certDays ?? 365;
  const now = opts.now ?? Date.now;
  const caCert = new X509Certificate(opts.pki.caCertPem);

  /** The TLS client certificate if it identifies `node`, else why it does not. */
  function clientCert(req: IncomingMessage, node: string): { cert: X509Certificate } | { problem: string } {
    const socket = req.socket as Partial<TLSSocket>;
    const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate(false) : undefined;
    if (!peer || !peer.raw) return { problem: 'no client certificate' };
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(peer.raw);
    } catch {
      return { problem: 'client certificate is unparsable' };
    }
    if (!cert.checkIssued(caCert) || !cert.verify(caCert.publicKey)) return { problem: 'client certificate is not issued by this cloud' };
    const t = now();
    if (Date.parse(cert.validFrom) > t || Date.parse(cert.validTo) <= t) return { problem: 'client certificate is expired or not yet valid' };
    const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
    if (cn !== `system:node:${node}`) return { problem: `client certificate CN "${cn ?? ''}" is not system:node:${node}` };
    return { cert };
  }

  /**
   * A valid node certificate (rotation) wins; otherwise the bearer token decides. A revoked node's
   * certificate cannot renew itself, but a token still can: a new join is the admin's intent.
   */
  function authenticate(req: IncomingMessage, node: string): 'token' | 'certificate' {
    const auth = req.headers.authorization;
    const c = clientCert(req, node);
    let problem: string;
    if ('cert' in c) {
      if (!opts.revocations?.isRevoked(node, new Date(c.cert.validFrom))) return 'certificate';
      problem = `node "${node}" is revoked: its certificate was issued before the Node was deleted; join again with a token`;
      if (auth === undefined) throw new ApiError('Forbidden', problem);
    } else {
      problem = c.problem;
    }
    if (auth === undefined) {
      throw new ApiError('Unauthorized', problem === 'no client certificate' ? 'missing bearer token (and no client certificate)' : problem);
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (!m) throw new ApiError('Unauthorized', 'Authorization header is not "Bearer <token>"');
    opts.tokens.verify(m[1]!);
    return 'token';
  }

  async function edgeCert(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_CSR_BYTES);
    const node = req.headers.nodename;
    if (typeof node !== 'string' || node === '') throw new ApiError('BadRequest', 'missing NodeName header');
    if (node.length > 253 || !NODE_NAME.test(node)) throw new ApiError('BadRequest', `NodeName "${node.slice(0, 64)}" is not a valid node name`);
    const via = authenticate(req, node);
    const usage = usageFrom(req.headers.extkeyusages);
    if (body.length === 0) throw new ApiError('BadRequest', 'empty body: want a DER certificate request');
    const certPem = await signCSR(opts.pki.ca, new Uint8Array(body), {
      days: certDays,
      usage,
      expectCN: `system:node:${node}`,
      expectO: ['system:nodes'],
    });
    log.info({ node, via, usage }, 'issued edge certificate');
    send(res, 200, pemToDer(certPem, 'CERTIFICATE'), 'application/octet-stream');
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method !== 'GET' && req.method !== 'POST') throw new ApiError('MethodNotAllowed', `method ${req.method} not allowed`);
    if (path === '/ca.crt') {
      req.resume();
      send(res, 200, opts.pki.caDer, 'application/octet-stream');
      return;
    }
    if (path === '/edge.crt') return edgeCert(req, res);
    const m = /^\/node\/([^/]+)$/.exec(path);
    if (m && opts.nodeExists) {
      req.resume();
      let name: string;
      try {
        name = decodeURIComponent(m[1]!);
      } catch {
        throw new ApiError('BadRequest', 'malformed node name in path');
      }
      if (await opts.nodeExists(name)) send(res, 200, 'Node found');
      else send(res, 404, `node ${name} not found`);
      return;
    }
    req.resume();
    throw new ApiError('NotFound', `no handler for ${path}`);
  }

  return {
    handleRequest(req, res) {
      route(req, res).catch((err: unknown) => {
        if (isApiError(err)) {
          log.info({ path: req.url, node: req.headers.nodename, reason: err.reason, err: err.message }, 'refused request');
          send(res, err.code, err.message);
        } else {
          // A CSR our parser chokes on in an unexpected way is still the client's fault.
          const isCsr = (req.url ?? '').startsWith('/edge.crt');
          log.warn({ path: req.url, err }, 'request failed');
          send(res, isCsr ? 400 : 500, isCsr ? `invalid certificate request: ${(err as Error).message}` : 'internal error');
        }
        if (isApiError(err) && err.reason === 'RequestEntityTooLarge') res.once('finish', () => req.socket.destroy());
      });
    },
  };
}
