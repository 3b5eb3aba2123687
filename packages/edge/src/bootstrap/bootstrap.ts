import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '@kedge/api';
import type { Logger } from '@kedge/core';
import type { Agent } from 'node:https';
import { cloudGet, type CloudResponse } from './https-get.js';
import { createNodeCSR } from './csr.js';

// The edge half of KubeEdge's certificate bootstrap (edgehub/certificate/certmanager.go), against
// the cloud's :10002 certificate server.

export interface EdgeCerts {
  caPem: string;
  certPem: string;
  keyPem: string;
  caPath: string;
  certPath: string;
  keyPath: string;
}

export interface BootstrapOptions {
  /** `https://host:10002` (scheme optional). */
  certServer: string;
  token: string;
  nodeName: string;
  /** Where ca.crt, edge.crt and edge.key are written. */
  dir: string;
  log: Logger;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

export interface RenewOptions {
  certServer: string;
  nodeName: string;
  dir: string;
  log: Logger;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export function certServerUrl(certServer: string, path: string): URL {
  const base = /^[a-z]+:\/\//i.test(certServer) ? certServer : `https://${certServer}`;
  let url: URL;
  try {
    url = new URL(path, base);
  } catch {
    throw new ApiError('BadRequest', `invalid certificate server address "${certServer}": want https://host:port`);
  }
  if (url.protocol !== 'https:') throw new ApiError('BadRequest', `invalid certificate server address "${certServer}": must be https`);
  return url;
}

function splitToken(token: string): { caHash: string; jwt: string } {
  const t = token.trim();
  const dot = t.indexOf('.');
  const caHash = dot < 0 ? '' : t.slice(0, dot);
  const jwt = dot < 0 ? '' : t.slice(dot + 1);
  if (!/^[0-9a-f]{64}$/i.test(caHash) || jwt.split('.').length !== 3) {
    throw new ApiError('BadRequest', 'malformed token: want <sha256 of the CA, 64 hex>.<jwt header>.<payload>.<signature> (get one with `kedge gettoken`)');
  }
  return { caHash: caHash.toLowerCase(), jwt };
}

export const edgeCertPaths = (dir: string) => ({ caPath: join(dir, 'ca.crt'), certPath: join(dir, 'edge.crt'), keyPath: join(dir, 'edge.key') });

function writeAtomic(path: string, data: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

const bodyText = (r: CloudResponse) => r.body.toString('utf8').trim().split('\n')[0]!.slice(0, 300) || `HTTP ${r.status}`;

/** Refusals become one line: a 401 means the token (or the current certificate) was refused. */
function refusal(r: CloudResponse, what: 'token' | 'certificate'): ApiError {
  if (r.status === 401) {
    return new ApiError('Unauthorized', what === 'token' ? `the cloud refused the token: ${bodyText(r)}` : `the cloud refused the current certificate: ${bodyText(r)}`);
  }
  return new ApiError(r.status === 403 ? 'Forbidden' : 'BadRequest', `the cloud refused the certificate request (HTTP ${r.status}): ${bodyText(r)}`);
}

/** Checks the issued certificate before anything is written: DER, signed by the CA, for our key. */
function checkIssued(der: Buffer, caPem: string, keyPem: string, nodeName: string): string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    throw new ApiError('InternalError', 'the cloud returned something that is not a DER certificate');
  }
  const ca = new X509Certificate(caPem);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) throw new ApiError('InternalError', 'the cloud returned a certificate not signed by its CA');
  if (!cert.checkPrivateKey(createPrivateKey(keyPem))) throw new ApiError('InternalError', 'the cloud returned a certificate for a different key');
  if (!cert.subject.split('\n').includes(`CN=system:node:${nodeName}`)) throw new ApiError('InternalError', `the cloud returned a certificate for "${cert.subject}"`);
  return cert.toString();
}

async function requestCert(o: { url: URL; caPem: string; nodeName: string; timeoutMs: number; jwt?: string; cert?: string; key?: string; agent?: Agent }): Promise<{ certPem: string; keyPem: string }> {
  const { csrDer, keyPem } = await createNodeCSR(o.nodeName);
  const headers: Record<string, string> = { NodeName: o.nodeName };
  if (o.jwt) headers.Authorization = `Bearer ${o.jwt}`;
  const res = await cloudGet(o.url, { ca: o.caPem, cert: o.cert, key: o.key, headers, body: csrDer, timeoutMs: o.timeoutMs, ...(o.agent ? { agent: o.agent } : {}) });
  if (res.status !== 200) throw refusal(res, o.jwt ? 'token' : 'certificate');
  return { certPem: checkIssued(res.body, o.caPem, keyPem, o.nodeName), keyPem };
}

function store(dir: string, caPem: string, certPem: string, keyPem: string): EdgeCerts {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const paths = edgeCertPaths(dir);
  writeAtomic(paths.caPath, caPem, 0o644);
  writeAtomic(paths.keyPath, keyPem, 0o600);
  writeAtomic(paths.certPath, certPem, 0o644);
  return { caPem, certPem, keyPem, ...paths };
}

/**
 * Fetches the cloud's CA without verifying the server and pins it by the token's hash. Hollow nodes
 * call it once and share the CA; `bootstrapEdgeCerts` calls it per join.
 */
export async function fetchTrustedCA(o: { certServer: string; token: string; timeoutMs?: number }): Promise<string> {
  const { caHash } = splitToken(o.token);
  const caUrl = certServerUrl(o.certServer, '/ca.crt');
  const caRes = await cloudGet(caUrl, { timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  if (caRes.status !== 200) throw new ApiError('InternalError', `the cloud at ${caUrl.origin} did not return its CA (HTTP ${caRes.status}): ${bodyText(caRes)}`);
  const got = createHash('sha256').update(caRes.body).digest('hex');
  if (got !== caHash) {
    throw new ApiError('Forbidden', `CA hash mismatch: the token was not issued by this cloud (expected ${caHash}, got ${got})`);
  }
  try {
    return new X509Certificate(caRes.body).toString();
  } catch {
    throw new ApiError('InternalError', `the cloud at ${caUrl.origin} returned a CA that is not a DER certificate`);
  }
}

/** A new key and a token-authenticated certificate for it, kept in memory (hollow nodes write nothing). */
export async function requestEdgeCert(o: { certServer: string; token: string; nodeName: string; caPem: string; timeoutMs?: number; agent?: Agent }): Promise<{ certPem: string; keyPem: string }> {
  const { jwt } = splitToken(o.token);
  return requestCert({ url: certServerUrl(o.certServer, '/edge.crt'), caPem: o.caPem, nodeName: o.nodeName, timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS, jwt, ...(o.agent ? { agent: o.agent } : {}) });
}

/**
 * First join: fetch the CA without verifying the server, pin it by the token's hash, then send a
 * CSR authenticated by the token over TLS verified against that CA. Writes ca.crt, edge.crt and
 * edge.key (0600) into `dir`. Every failure is an ApiError with a one-line message naming the cause.
 */
export async function bootstrapEdgeCerts(o: BootstrapOptions): Promise<EdgeCerts> {
  const log = o.log.child({ module: 'bootstrap' });
  const caPem = await fetchTrustedCA(o);
  const { certPem, keyPem } = await requestEdgeCert({ ...o, caPem });
  const certs = store(o.dir, caPem, certPem, keyPem);
  log.info({ node: o.nodeName, dir: o.dir }, 'obtained edge certificate');
  return certs;
}

/** Rotation: a new key and certificate, authenticated by the current edge.crt as TLS client certificate. */
export async function renewEdgeCert(o: RenewOptions): Promise<EdgeCerts> {
  const log = o.log.child({ module: 'bootstrap' });
  const paths = edgeCertPaths(o.dir);
  const caPem = readFileSync(paths.caPath, 'utf8');
  const cert = readFileSync(paths.certPath, 'utf8');
  const key = readFileSync(paths.keyPath, 'utf8');
  const { certPem, keyPem } = await requestCert({
    url: certServerUrl(o.certServer, '/edge.crt'), caPem, nodeName: o.nodeName, timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS, cert, key,
  });
  const certs = store(o.dir, caPem, certPem, keyPem);
  log.info({ node: o.nodeName, notAfter: new X509Certificate(certPem).validTo }, 'rotated edge certificate');
  return certs;
}

/**
 * When to rotate: between 70 % and 90 % of the lifetime (KubeEdge's jittered deadline), at a point
 * fixed per certificate (from its fingerprint) so repeated checks agree and a fleet spreads out.
 */
export function rotationDeadline(certPem: string): Date {
  const cert = new X509Certificate(certPem);
  const from = Date.parse(cert.validFrom);
  const total = Date.parse(cert.validTo) - from;
  const jitter = createHash('sha256').update(cert.raw).digest().readUInt32BE(0) / 0xffffffff;
  return new Date(from + total * (0.7 + 0.2 * jitter));
}

export function certNeedsRotation(certPem: string, now: number = Date.now()): boolean {
  return now >= rotationDeadline(certPem).getTime();
}
