import { ApiError } from '@kedge/api';
import { exportPrivateKeyPem, isPem, pemToDer } from './pem.js';
import { generateKeyPair, signingAlgorithm, x509 } from './x509.js';
import { sanExtension, signLeaf, subjectName, type CertUsage, type CertificateAuthority } from './ca.js';

export interface CreateCSROptions {
  cn: string;
  organizations?: string[];
  dnsNames?: string[];
  ips?: string[];
}

/** A PKCS#10 request with a fresh P-256 key: what an edge node sends to get its certificate. */
export async function createCSR(o: CreateCSROptions): Promise<{ csrPem: string; keyPem: string }> {
  const keys = await generateKeyPair();
  const san = sanExtension(o.dnsNames, o.ips);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectName(o.cn, o.organizations),
    keys,
    signingAlgorithm,
    extensions: san ? [san] : [],
  });
  return { csrPem: csr.toString('pem') + '\n', keyPem: await exportPrivateKeyPem(keys.privateKey) };
}

export interface SignCSROptions {
  days: number;
  usage: CertUsage;
  /** Refuse unless the subject CN equals this (e.g. `system:node:<name>`). */
  expectCN?: string;
  /** Refuse unless the subject O set equals this one (order ignored). */
  expectO?: string[];
}

const SAN_OID = '2.5.29.17';

function parseCSR(csr: Uint8Array | string): x509.Pkcs10CertificateRequest {
  try {
    const der = isPem(csr) ? pemToDer(csr, 'CERTIFICATE REQUEST') : typeof csr === 'string' ? new Uint8Array(Buffer.from(csr, 'base64')) : csr;
    return new x509.Pkcs10CertificateRequest(der);
  } catch (err) {
    throw new ApiError('BadRequest', `invalid certificate request: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Signs a certificate request after checking its self-signature (proof the requester holds the key),
 * its key type and, when asked, its subject. Only the subject and SANs are taken from the request;
 * usage and lifetime are the signer's choice. Returns the certificate PEM.
 */
export async function signCSR(ca: CertificateAuthority, csr: Uint8Array | string, o: SignCSROptions): Promise<string> {
  const req = parseCSR(csr);
  if (!(await req.verify())) throw new ApiError('BadRequest', 'certificate request signature is invalid');
  const alg = req.publicKey.algorithm as { name?: string; namedCurve?: string };
  if (alg.name !== 'ECDSA' || alg.namedCurve !== 'P-256') {
    throw new ApiError('BadRequest', `certificate request key must be ECDSA P-256, got ${alg.name ?? 'unknown'} ${alg.namedCurve ?? ''}`.trim());
  }
  const cns = req.subjectName.getField('CN');
  const orgs = req.subjectName.getField('O');
  if (cns.length !== 1) throw new ApiError('BadRequest', 'certificate request must have exactly one CN');
  if (o.expectCN !== undefined && cns[0] !== o.expectCN) {
    throw new ApiError('Forbidden', `certificate request CN "${cns[0]}" does not match the expected "${o.expectCN}"`);
  }
  if (o.expectO !== undefined) {
    const want = [...o.expectO].sort().join(',');
    if ([...orgs].sort().join(',') !== want) {
      throw new ApiError('Forbidden', `certificate request O [${orgs.join(', ')}] does not match the expected [${o.expectO.join(', ')}]`);
    }
  }
  const san = req.extensions.find((e) => e.type === SAN_OID);
  const cert = await signLeaf({
    ca,
    subject: subjectName(cns[0]!, orgs),
    publicKey: req.publicKey,
    days: o.days,
    usage: o.usage,
    extensions: san ? [san] : [],
  });
  return cert.toString('pem') + '\n';
}
