import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createCA, issueCert, loadCA, type CertificateAuthority, type CertKeyPair } from './ca.js';

export interface ServerPKIOptions {
  /** Extra names/addresses clients use to reach the API server (bind and advertise addresses). */
  hosts: string[];
  log?: Logger;
  /** Injectable clock for expiry decisions. */
  now?: () => number;
}

/** Everything the API server and its admin kubeconfig need, as loaded from (or written to) `dir`. */
export interface ServerPKI {
  dir: string;
  ca: CertificateAuthority;
  serving: CertKeyPair;
  admin: CertKeyPair;
  adminToken: string;
  /** Names the serving certificate carries. */
  dnsNames: string[];
  ips: string[];
}

export const ADMIN_USER = 'kedge-admin';
export const ADMIN_GROUP = 'system:masters';
const CA_YEARS = 10;
const LEAF_DAYS = 365;
// Renew well before expiry so a server restarted monthly never serves an expired certificate.
const RENEW_BEFORE_MS = 30 * 86_400_000;

// 0.0.0.0 and :: mean "every interface"; they are not names a client can dial.
const UNSPECIFIED = new Set(['0.0.0.0', '::', '']);

function sans(hosts: string[]): { dnsNames: string[]; ips: string[] } {
  const all = ['localhost', hostname(), '127.0.0.1', '::1', ...hosts].filter((h) => !UNSPECIFIED.has(h));
  const dnsNames = [...new Set(all.filter((h) => !isIP(h)).map((h) => h.toLowerCase()))];
  const ips = [...new Set(all.filter((h) => isIP(h)))];
  return { dnsNames, ips };
}

function writeAtomic(path: string, data: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

function readPair(dir: string, base: string): CertKeyPair | undefined {
  const crt = join(dir, `${base}.crt`);
  const key = join(dir, `${base}.key`);
  if (!existsSync(crt) || !existsSync(key)) return undefined;
  return { certPem: readFileSync(crt, 'utf8'), keyPem: readFileSync(key, 'utf8') };
}

function writePair(dir: string, base: string, pair: CertKeyPair): void {
  writeAtomic(join(dir, `${base}.key`), pair.keyPem, 0o600);
  writeAtomic(join(dir, `${base}.crt`), pair.certPem, 0o644);
}

/** Why an existing leaf must be replaced, or undefined if it is still good. */
function staleReason(pair: CertKeyPair, ca: CertificateAuthority, now: number, dnsNames: string[] = [], ips: string[] = []): string | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pair.certPem);
  } catch {
    return 'unparsable';
  }
  const caCert = new X509Certificate(ca.certPem);
  if (!cert.checkIssued(caCert) || !cert.verify(caCert.publicKey)) return 'not issued by the current ca';
  if (Date.parse(cert.validTo) - now < RENEW_BEFORE_MS) return 'expires soon';
  const missing = [...dnsNames.filter((d) => cert.checkHost(d, { subject: 'never' }) === undefined), ...ips.filter((ip) => cert.checkIP(ip) === undefined)];
  if (missing.length) return `missing names ${missing.join(', ')}`;
  return undefined;
}

async function loadOrCreateCA(dir: string, log?: Logger): Promise<CertificateAuthority> {
  const pair = readPair(dir, 'ca');
  if (pair) return loadCA(pair.certPem, pair.keyPem);
  if (existsSync(join(dir, 'ca.crt')) || existsSync(join(dir, 'ca.key'))) {
    throw new Error(`${dir} holds only one of ca.crt and ca.key; restore the other or remove both to create a new CA`);
  }
  const ca = await createCA('kedge-ca', CA_YEARS);
  writePair(dir, 'ca', ca);
  log?.info({ dir }, 'created cluster ca');
  return ca;
}

/**
 * Loads the server's PKI from `dir`, creating what is missing: the CA, the API serving certificate
 * (SANs: localhost, loopback, hostname and `hosts`), the admin client certificate (CN kedge-admin,
 * O system:masters) and the admin bearer token. Existing files are kept, except leaves that expire
 * within 30 days, no longer chain to the CA, or (serving cert) lack a requested host.
 */
export async function loadOrCreateServerPKI(dir: string, opts: ServerPKIOptions): Promise<ServerPKI> {
  const now = (opts.now ?? Date.now)();
  const log = opts.log;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = await loadOrCreateCA(dir, log);
  const { dnsNames, ips } = sans(opts.hosts);

  let serving = readPair(dir, 'apiserver');
  const servingStale = serving ? staleReason(serving, ca, now, dnsNames, ips) : 'absent';
  if (!serving || servingStale) {
    serving = await issueCert({ ca, cn: 'kedge-apiserver', dnsNames, ips, days: LEAF_DAYS, usage: 'server' });
    writePair(dir, 'apiserver', serving);
    log?.info({ reason: servingStale, dnsNames, ips }, 'issued api serving certificate');
  }

  let admin = readPair(dir, 'admin');
  const adminStale = admin ? staleReason(admin, ca, now) : 'absent';
  if (!admin || adminStale) {
    admin = await issueCert({ ca, cn: ADMIN_USER, organizations: [ADMIN_GROUP], days: LEAF_DAYS, usage: 'client' });
    writePair(dir, 'admin', admin);
    log?.info({ reason: adminStale }, 'issued admin client certificate');
  }

  const tokenPath = join(dir, 'admin.token');
  let adminToken = existsSync(tokenPath) ? readFileSync(tokenPath, 'utf8').trim() : '';
  if (!adminToken) {
    adminToken = randomBytes(32).toString('base64url');
    writeAtomic(tokenPath, adminToken + '\n', 0o600);
  }
  return { dir, ca, serving, admin, adminToken, dnsNames, ips };
}
