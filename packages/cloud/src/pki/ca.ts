import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { generateKeyPair, signingAlgorithm, webcrypto, x509, type CryptoKey } from './x509.js';
import { exportPrivateKeyPem, importPrivateKeyPem } from './pem.js';

/** A signing CA: the parsed certificate plus its private key, and both as PEM for writing to disk. */
export interface CertificateAuthority {
  cert: x509.X509Certificate;
  key: CryptoKey;
  certPem: string;
  keyPem: string;
}

/** An issued leaf: certificate and its own private key, PEM encoded. */
export interface CertKeyPair {
  certPem: string;
  keyPem: string;
}

export type CertUsage = 'server' | 'client' | 'both';

export interface IssueCertOptions {
  ca: CertificateAuthority;
  cn: string;
  /** Subject O values; Kubernetes reads them as the user's groups. */
  organizations?: string[];
  dnsNames?: string[];
  ips?: string[];
  days: number;
  usage: CertUsage;
}

const DAY_MS = 86_400_000;
/**
 * Leaves are backdated by this much to cover small clock differences between cloud and edge hosts;
 * revocation recovers a certificate's issue time as notBefore + CERT_BACKDATE_MS.
 */
export const CERT_BACKDATE_MS = 5 * 60_000;
const BACKDATE_MS = CERT_BACKDATE_MS;

/** A positive 128-bit serial (RFC 5280 §4.1.2.2 allows up to 20 octets, must be positive). */
export function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f | 0x01;
  return b.toString('hex');
}

export function subjectName(cn: string, organizations: string[] = []): x509.JsonName {
  return [{ CN: [cn] }, ...organizations.map((o) => ({ O: [o] }))];
}

/** A self-signed P-256 CA; `organizations` go into the subject too (KubeEdge's CA is CN=O=KubeEdge). */
export async function createCA(cn: string, years: number, organizations: string[] = []): Promise<CertificateAuthority> {
  const keys = await generateKeyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: subjectName(cn, organizations),
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + years * 365 * DAY_MS),
    signingAlgorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey, certPem: cert.toString('pem') + '\n', keyPem: await exportPrivateKeyPem(keys.privateKey) };
}

/** Rebuilds a CA from its PEM files; fails if the key does not belong to the certificate. */
export async function loadCA(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(certPem);
  const key = await importPrivateKeyPem(keyPem);
  const probe = new Uint8Array(randomBytes(32));
  const sig = await webcrypto.subtle.sign(signingAlgorithm, key, probe);
  const pub = await cert.publicKey.export();
  if (!(await webcrypto.subtle.verify(signingAlgorithm, pub, sig, probe))) {
    throw new Error('ca.key does not match ca.crt');
  }
  return { cert, key, certPem, keyPem };
}

function usageExtensions(usage: CertUsage): x509.Extension[] {
  const eku = usage === 'server' ? [x509.ExtendedKeyUsage.serverAuth]
    : usage === 'client' ? [x509.ExtendedKeyUsage.clientAuth]
      : [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth];
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(eku, false),
  ];
}

export function sanExtension(dnsNames: string[] = [], ips: string[] = []): x509.Extension | undefined {
  const names: x509.JsonGeneralName[] = [
    ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...ips.map((value) => ({ type: 'ip' as const, value })),
  ];
  return names.length ? new x509.SubjectAlternativeNameExtension(names, false) : undefined;
}

export interface SignLeafOptions {
  ca: CertificateAuthority;
  subject: x509.JsonName | x509.Name;
  publicKey: x509.PublicKeyType;
  days: number;
  usage: CertUsage;
  /** Extra extensions copied in (the CSR's SAN). */
  extensions?: x509.Extension[];
}

/** Signs a leaf for `publicKey` with the CA key; the shared core of issueCert and signCSR. */
export async function signLeaf(o: SignLeafOptions): Promise<x509.X509Certificate> {
  const now = Date.now();
  const notAfter = Math.min(now + o.days * DAY_MS, o.ca.cert.notAfter.getTime());
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: o.subject,
    issuer: o.ca.cert.subjectName,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(notAfter),
    signingAlgorithm,
    publicKey: o.publicKey,
    signingKey: o.ca.key,
    extensions: [
      ...usageExtensions(o.usage),
      ...(o.extensions ?? []),
      await x509.SubjectKeyIdentifierExtension.create(o.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(o.ca.cert),
    ],
  });
}

/** Issues a certificate with a fresh P-256 key. */
export async function issueCert(o: IssueCertOptions): Promise<CertKeyPair> {
  for (const ip of o.ips ?? []) if (!isIP(ip)) throw new Error(`not an IP address: ${ip}`);
  const keys = await generateKeyPair();
  const san = sanExtension(o.dnsNames, o.ips);
  const cert = await signLeaf({
    ca: o.ca,
    subject: subjectName(o.cn, o.organizations),
    publicKey: keys.publicKey,
    days: o.days,
    usage: o.usage,
    extensions: san ? [san] : [],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await exportPrivateKeyPem(keys.privateKey) };
}
