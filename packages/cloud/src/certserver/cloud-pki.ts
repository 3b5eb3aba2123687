import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { ApiError, R, isAlreadyExists, isNotFound, type KubeObject } from '@kedge/api';
import type { KubeClient, Logger } from '@kedge/core';
import { createCA, issueCert, pemToDer, type CertificateAuthority } from '../pki/index.js';
import { caHash, createToken, parseJoinToken, verifyToken } from './token.js';
import { keyPemToSec1Der, loadCAFromDer, sec1DerToKeyPem } from '../pki/kubeedge-ca.js';

// Secret names and keys as KubeEdge's cloudhub pre_server.go uses them, so tools that read them
// (keadm gettoken, a migrated cloudcore) find everything where they expect it.
export const KUBEEDGE_NAMESPACE = 'kubeedge';
export const CA_SECRET = 'casecret';
export const CLOUDCORE_SECRET = 'cloudcoresecret';
export const TOKEN_SECRET = 'tokensecret';

const CA_YEARS = 100;
const SERVER_DAYS = 100 * 365;
/** KubeEdge: 2 × the 12 h refresh interval. */
export const TOKEN_TTL_MS = 24 * 3_600_000;

export interface CloudPKI {
  caCertPem: string;
  caKeyPem: string;
  caDer: Uint8Array;
  /** SEC1 DER of the CA key: the HMAC secret of join tokens. */
  caKeyDer: Uint8Array;
  serverCertPem: string;
  serverKeyPem: string;
  /** For signCSR. */
  ca: CertificateAuthority;
  /** The join token in `tokensecret` at load time (written if it was missing, invalid or expired). */
  token: string;
}

export interface CloudPKIOptions {
  /** CloudHub advertise addresses; IPs become IP SANs of the serving certificate, names DNS SANs. */
  advertiseAddresses: string[];
  dnsNames?: string[];
  log: Logger;
}

interface SecretObject extends KubeObject {
  data?: Record<string, string>;
  type?: string;
}

const UNSPECIFIED = new Set(['0.0.0.0', '::', '']);

export async function ensureNamespace(client: KubeClient, name: string): Promise<void> {
  try {
    await client.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

export async function getSecretData(client: KubeClient, name: string): Promise<Record<string, Buffer> | undefined> {
  try {
    const s = await client.get<SecretObject>(R.secrets, KUBEEDGE_NAMESPACE, name);
    return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function secretBody(name: string, data: Record<string, Uint8Array | string>): SecretObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: KUBEEDGE_NAMESPACE },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

/** Creates the Secret or replaces its data; returns false if another writer created it first. */
export async function putSecret(client: KubeClient, name: string, data: Record<string, Uint8Array | string>, mode: 'create' | 'replace'): Promise<boolean> {
  const body = secretBody(name, data);
  if (mode === 'create') {
    try {
      await client.create(R.secrets, body);
      return true;
    } catch (err) {
      if (isAlreadyExists(err)) return false;
      throw err;
    }
  }
  try {
    const cur = await client.get<SecretObject>(R.secrets, KUBEEDGE_NAMESPACE, name);
    await client.update(R.secrets, { ...cur, data: body.data });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await client.create(R.secrets, body);
  }
  return true;
}

async function loadOrCreateCA(client: KubeClient, log: Logger): Promise<CertificateAuthority> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const data = await getSecretData(client, CA_SECRET);
    if (data) {
      if (!data.cadata?.length || !data.cakeydata?.length) {
        throw new ApiError('Invalid', `secret ${KUBEEDGE_NAMESPACE}/${CA_SECRET} lacks cadata or cakeydata; restore it or delete it to create a new CA (existing edge nodes must then rejoin)`);
      }
      return loadCAFromDer(data.cadata, data.cakeydata);
    }
    const ca = await createCA('KubeEdge', CA_YEARS, ['KubeEdge']);
    // A concurrent CloudCore may win the create; then use its CA so both sign with one key.
    if (await putSecret(client, CA_SECRET, { cadata: pemToDer(ca.certPem), cakeydata: keyPemToSec1Der(ca.keyPem) }, 'create')) {
      log.info({ secret: CA_SECRET }, 'created cloud ca');
      return ca;
    }
  }
  throw new ApiError('Conflict', `secret ${KUBEEDGE_NAMESPACE}/${CA_SECRET} keeps changing`);
}

function wantedSans(opts: CloudPKIOptions): { ips: string[]; dnsNames: string[] } {
  const addrs = [...opts.advertiseAddresses, '127.0.0.1'].filter((a) => !UNSPECIFIED.has(a));
  const ips = [...new Set(addrs.filter((a) => isIP(a)))];
  const dnsNames = [...new Set([...addrs.filter((a) => !isIP(a)), ...(opts.dnsNames ?? [])].map((d) => d.toLowerCase()))];
  return { ips, dnsNames };
}

/** The certificate's SANs in the same shape, for an exact comparison. */
function certSans(cert: X509Certificate): { ips: string[]; dnsNames: string[] } {
  const ips: string[] = [];
  const dnsNames: string[] = [];
  for (const entry of (cert.subjectAltName ?? '').split(', ')) {
    if (entry.startsWith('IP Address:')) ips.push(entry.slice('IP Address:'.length));
    else if (entry.startsWith('DNS:')) dnsNames.push(entry.slice(4).toLowerCase());
  }
  return { ips, dnsNames };
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

function servingStale(certDer: Uint8Array | undefined, ca: CertificateAuthority, want: { ips: string[]; dnsNames: string[] }): string | undefined {
  if (!certDer?.length) return 'absent';
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(certDer));
  } catch {
    return 'unparsable';
  }
  const caCert = new X509Certificate(ca.certPem);
  if (!cert.checkIssued(caCert) || !cert.verify(caCert.publicKey)) return 'not issued by the current ca';
  if (Date.parse(cert.validTo) <= Date.now()) return 'expired';
  const have = certSans(cert);
  // Node prints IPv6 SANs expanded; normalise both sides through the certificate's own checkIP.
  const ipsMatch = have.ips.length === want.ips.length && want.ips.every((ip) => cert.checkIP(ip) !== undefined);
  if (!ipsMatch || !sameSet(have.dnsNames, want.dnsNames)) return 'sans changed';
  return undefined;
}

/** Keeps `kedge gettoken` answering from the first start on, before the TokenManager runs. */
async function loadOrCreateToken(client: KubeClient, caDer: Uint8Array, caKeyDer: Uint8Array, log: Logger): Promise<string> {
  const stored = (await getSecretData(client, TOKEN_SECRET))?.tokendata?.toString('utf8').trim();
  if (stored) {
    try {
      const { caHash: hash, jwt } = parseJoinToken(stored);
      verifyToken(jwt, caKeyDer);
      if (hash === caHash(caDer)) return stored;
    } catch {
      // replaced below
    }
  }
  const token = createToken(caDer, caKeyDer, TOKEN_TTL_MS);
  await putSecret(client, TOKEN_SECRET, { tokendata: token }, 'replace');
  log.info({ reason: stored ? 'stale' : 'absent' }, 'wrote join token');
  return token;
}

/**
 * Loads the cloud's CA and CloudHub serving certificate from Secrets in namespace `kubeedge`, creating
 * whatever is missing. The serving certificate is re-issued when its SANs differ from the advertise
 * addresses (+127.0.0.1) and dnsNames, or it no longer chains to the CA.
 */
export async function loadOrCreateCloudPKI(client: KubeClient, opts: CloudPKIOptions): Promise<CloudPKI> {
  const log = opts.log;
  await ensureNamespace(client, KUBEEDGE_NAMESPACE);
  const ca = await loadOrCreateCA(client, log);
  const want = wantedSans(opts);

  const existing = await getSecretData(client, CLOUDCORE_SECRET);
  const stale = servingStale(existing?.cloudcoredata, ca, want);
  let serverCertPem: string;
  let serverKeyPem: string;
  if (stale || !existing?.cloudcorekeydata?.length) {
    const pair = await issueCert({ ca, cn: 'KubeEdge', organizations: ['KubeEdge'], ips: want.ips, dnsNames: want.dnsNames, days: SERVER_DAYS, usage: 'server' });
    serverCertPem = pair.certPem;
    serverKeyPem = pair.keyPem;
    await putSecret(client, CLOUDCORE_SECRET, { cloudcoredata: pemToDer(pair.certPem), cloudcorekeydata: keyPemToSec1Der(pair.keyPem) }, 'replace');
    log.info({ reason: stale ?? 'key missing', ips: want.ips, dnsNames: want.dnsNames }, 'issued cloudcore serving certificate');
  } else {
    serverCertPem = new X509Certificate(existing.cloudcoredata!).toString();
    serverKeyPem = sec1DerToKeyPem(existing.cloudcorekeydata);
  }

  const caDer = pemToDer(ca.certPem);
  const caKeyDer = keyPemToSec1Der(ca.keyPem);
  return {
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    caDer,
    caKeyDer,
    token: await loadOrCreateToken(client, caDer, caKeyDer, log),
    serverCertPem,
    serverKeyPem,
    ca,
  };
}
