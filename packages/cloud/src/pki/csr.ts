import { verify } from 'node:crypto';
import { ApiError } from '@kedge/api';
import { derToPem, exportPrivateKeyPem, isPem, pemToDer } from './pem.js';
import { generateKeyPair, signingAlgorithm, x509 } from './x509.js';
import { sanExtension, subjectName, type CertUsage, type CertificateAuthority } from './ca.js';
import { TAG, bytes, children, content, expect, oid, read, seq, text } from '@kedge/core/der/index.js';
import { encodeName, signLeafDer } from './leaf-signer.js';

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

const SAN_OID = oid('2.5.29.17');
const EXTENSION_REQUEST = oid('1.2.840.113549.1.9.14');
const EC_P256 = seq(oid('1.2.840.10045.2.1'), oid('1.2.840.10045.3.1.7'));
const CN_OID = oid('2.5.4.3');
const O_OID = oid('2.5.4.10');

interface ParsedCSR {
  info: Buffer;
  signature: Buffer;
  spki: Buffer;
  keyAlgorithm: Buffer;
  cns: string[];
  orgs: string[];
  san?: Buffer;
}

/** PKCS#10 (RFC 2986) read directly from DER: what signCSR needs and nothing else. */
function parseCSR(input: Uint8Array | string): ParsedCSR {
  try {
    const der = isPem(input) ? pemToDer(input, 'CERTIFICATE REQUEST') : typeof input === 'string' ? new Uint8Array(Buffer.from(input, 'base64')) : input;
    const outer = expect(read(der, 0), TAG.SEQUENCE, 'CertificationRequest');
    if (outer.end !== der.length) throw new Error('trailing bytes after the request');
    const [infoT, , sigT] = children(der, outer);
    const info = expect(infoT, TAG.SEQUENCE, 'certificationRequestInfo');
    const sigBits = content(der, expect(sigT, TAG.BIT_STRING, 'signature'));
    const [, subjectT, spkiT, attrsT] = children(der, info);
    const spki = expect(spkiT, TAG.SEQUENCE, 'subjectPKInfo');
    const cns: string[] = [];
    const orgs: string[] = [];
    for (const rdn of children(der, expect(subjectT, TAG.SEQUENCE, 'subject'))) {
      for (const atv of children(der, expect(rdn, TAG.SET, 'RDN'))) {
        const [type, value] = children(der, atv);
        const id = bytes(der, expect(type, TAG.OID, 'attribute type'));
        if (id.equals(CN_OID)) cns.push(text(der, value!));
        else if (id.equals(O_OID)) orgs.push(text(der, value!));
      }
    }
    let san: Buffer | undefined;
    if (attrsT?.tag === 0xa0) {
      for (const attr of children(der, attrsT)) {
        const [type, values] = children(der, attr);
        if (!type || !values || !bytes(der, type).equals(EXTENSION_REQUEST)) continue;
        for (const exts of children(der, values)) {
          for (const ext of children(der, expect(exts, TAG.SEQUENCE, 'extensions'))) {
            const id = children(der, ext)[0];
            if (id && bytes(der, id).equals(SAN_OID)) san = Buffer.from(bytes(der, ext));
          }
        }
      }
    }
    return {
      info: bytes(der, info),
      signature: sigBits.subarray(1),
      spki: Buffer.from(bytes(der, spki)),
      keyAlgorithm: bytes(der, expect(children(der, spki)[0], TAG.SEQUENCE, 'algorithm')),
      cns,
      orgs,
      ...(san ? { san } : {}),
    };
  } catch (err) {
    throw new ApiError('BadRequest', `invalid certificate request: ${(err as Error).message}`, { cause: err });
  }
}

function signatureValid(req: ParsedCSR): boolean {
  try {
    return verify('sha256', req.info, { key: req.spki, format: 'der', type: 'spki' }, req.signature);
  } catch {
    return false;
  }
}

/**
 * Signs a certificate request after checking its self-signature (proof the requester holds the key),
 * its key type and, when asked, its subject. Only the subject's CN and O and the SANs are taken from
 * the request; usage and lifetime are the signer's choice. Returns the certificate PEM.
 */
export async function signCSR(ca: CertificateAuthority, csr: Uint8Array | string, o: SignCSROptions): Promise<string> {
  const req = parseCSR(csr);
  if (!req.keyAlgorithm.equals(EC_P256)) {
    throw new ApiError('BadRequest', 'certificate request key must be ECDSA P-256');
  }
  if (!signatureValid(req)) throw new ApiError('BadRequest', 'certificate request signature is invalid');
  const { cns, orgs } = req;
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
  const der = signLeafDer(ca, {
    subject: encodeName(cns[0]!, orgs),
    spki: req.spki,
    days: o.days,
    usage: o.usage,
    extensions: req.san ? [req.san] : [],
  });
  return derToPem(der, 'CERTIFICATE');
}
