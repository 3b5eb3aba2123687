import { createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { CERT_BACKDATE_MS, randomSerial, type CertUsage, type CertificateAuthority } from './ca.js';
import { TAG, bytes, children, content, expect, oid, read, seq, time, tlv } from '@kedge/core/der/index.js';

// Issues X.509 v3 leaves by writing the TBSCertificate DER directly and signing it with node:crypto.
// Through @peculiar/x509 each certificate cost ~5 ms idle and ~30 ms under load (ASN.1 object model,
// WebCrypto round trips, re-deriving the CA's name and key identifier per call); this is ~0.3 ms.

const DAY_MS = 86_400_000;
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const V3 = tlv(0xa0, tlv(TAG.INTEGER, Buffer.from([2])));
const TRUE = tlv(TAG.BOOLEAN, Buffer.from([0xff]));
const OID_SKI = '2.5.29.14';

function extension(id: string, critical: boolean, value: Uint8Array): Buffer {
  return critical ? seq(oid(id), TRUE, tlv(TAG.OCTET_STRING, value)) : seq(oid(id), tlv(TAG.OCTET_STRING, value));
}

// digitalSignature (bit 0) | keyEncipherment (bit 2): one byte 1010_0000 with 5 unused bits.
const LEAF_KEY_USAGE = extension('2.5.29.15', true, tlv(TAG.BIT_STRING, Buffer.from([0x05, 0xa0])));
const LEAF_BASIC_CONSTRAINTS = extension('2.5.29.19', true, seq());
const SERVER_AUTH = oid('1.3.6.1.5.5.7.3.1');
const CLIENT_AUTH = oid('1.3.6.1.5.5.7.3.2');
const EKU: Record<CertUsage, Buffer> = {
  server: extension('2.5.29.37', false, seq(SERVER_AUTH)),
  client: extension('2.5.29.37', false, seq(CLIENT_AUTH)),
  both: extension('2.5.29.37', false, seq(SERVER_AUTH, CLIENT_AUTH)),
};

interface Issuer {
  name: Buffer;
  aki: Buffer;
  key: KeyObject;
  notAfter: number;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's bits. */
export function keyIdentifier(spki: Uint8Array): Buffer {
  const outer = read(spki, 0);
  const [, bits] = children(spki, outer);
  const key = content(spki, expect(bits, TAG.BIT_STRING, 'subjectPublicKey'));
  return createHash('sha1').update(key.subarray(1)).digest();
}

function loadIssuer(ca: CertificateAuthority): Issuer {
  const der = new Uint8Array(ca.cert.rawData);
  const tbs = children(der, expect(children(der, read(der, 0))[0], TAG.SEQUENCE, 'tbsCertificate'));
  const at = tbs[0]?.tag === 0xa0 ? 1 : 0;
  const subject = expect(tbs[at + 4], TAG.SEQUENCE, 'subject');
  const spki = bytes(der, expect(tbs[at + 5], TAG.SEQUENCE, 'subjectPublicKeyInfo'));
  let keyId: Buffer | undefined;
  const extsWrapper = tbs.find((t) => t.tag === 0xa3);
  if (extsWrapper) {
    for (const ext of children(der, expect(children(der, extsWrapper)[0], TAG.SEQUENCE, 'extensions'))) {
      const parts = children(der, ext);
      if (bytes(der, parts[0]!).equals(oid(OID_SKI))) {
        const value = content(der, parts[parts.length - 1]!);
        keyId = Buffer.from(content(value, read(value, 0)));
      }
    }
  }
  keyId ??= keyIdentifier(spki);
  return {
    name: Buffer.from(bytes(der, subject)),
    aki: extension('2.5.29.35', false, seq(tlv(0x80, keyId))),
    key: createPrivateKey(ca.keyPem),
    notAfter: ca.cert.notAfter.getTime(),
  };
}

const issuers = new WeakMap<CertificateAuthority, Issuer>();

function issuerOf(ca: CertificateAuthority): Issuer {
  let issuer = issuers.get(ca);
  if (!issuer) {
    issuer = loadIssuer(ca);
    issuers.set(ca, issuer);
  }
  return issuer;
}

const OID_CN = oid('2.5.4.3');
const OID_O = oid('2.5.4.10');

/** A Name of one CN then one RDN per O, as UTF8Strings (what Kubernetes reads as user and groups). */
export function encodeName(cn: string, organizations: string[] = []): Buffer {
  const rdn = (type: Buffer, value: string): Buffer => tlv(TAG.SET, seq(type, tlv(TAG.UTF8, Buffer.from(value, 'utf8'))));
  return seq(rdn(OID_CN, cn), ...organizations.map((o) => rdn(OID_O, o)));
}

export interface SignLeafDerOptions {
  /** Subject Name, DER. */
  subject: Uint8Array;
  /** SubjectPublicKeyInfo, DER. */
  spki: Uint8Array;
  days: number;
  usage: CertUsage;
  /** Complete Extension DERs copied in (e.g. a request's SAN). */
  extensions?: Uint8Array[];
  now?: number;
}

/** A certificate DER signed by `ca`, valid from CERT_BACKDATE_MS ago for `days` (capped at the CA's expiry). */
export function signLeafDer(ca: CertificateAuthority, o: SignLeafDerOptions): Buffer {
  const issuer = issuerOf(ca);
  const now = o.now ?? Date.now();
  const notAfter = Math.min(now + o.days * DAY_MS, issuer.notAfter);
  const tbs = seq(
    V3,
    tlv(TAG.INTEGER, Buffer.from(randomSerial(), 'hex')),
    ECDSA_SHA256,
    issuer.name,
    seq(time(new Date(now - CERT_BACKDATE_MS)), time(new Date(notAfter))),
    o.subject,
    o.spki,
    tlv(0xa3, seq(
      LEAF_BASIC_CONSTRAINTS,
      LEAF_KEY_USAGE,
      EKU[o.usage],
      ...(o.extensions ?? []),
      extension(OID_SKI, false, tlv(TAG.OCTET_STRING, keyIdentifier(o.spki))),
      issuer.aki,
    )),
  );
  const signature = sign('sha256', tbs, issuer.key);
  return seq(tbs, ECDSA_SHA256, tlv(TAG.BIT_STRING, Buffer.from([0]), signature));
}
