import { X509Certificate, createPrivateKey } from 'node:crypto';
import { loadCA, type CertificateAuthority } from './ca.js';
import { derToPem } from './pem.js';

// KubeEdge keeps keys as SEC1 DER (Go's x509.MarshalECPrivateKey) in its Secrets; these helpers convert
// between that and the PKCS#8 PEM the rest of kedge's PKI uses.

/** SEC1 DER of a PEM private key (PKCS#8 or SEC1). */
export function keyPemToSec1Der(keyPem: string): Uint8Array {
  return new Uint8Array(createPrivateKey(keyPem).export({ type: 'sec1', format: 'der' }));
}

/** PKCS#8 PEM of a SEC1 (or PKCS#8) DER private key. */
export function sec1DerToKeyPem(der: Uint8Array): string {
  let key;
  try {
    key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'sec1' });
  } catch {
    key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  }
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Rebuilds a signing CA from KubeEdge's Secret form (certificate DER, key SEC1 DER). */
export async function loadCAFromDer(certDer: Uint8Array, keyDer: Uint8Array): Promise<CertificateAuthority> {
  // Parse first so a corrupt Secret fails with a certificate error rather than a PEM one.
  new X509Certificate(Buffer.from(certDer));
  return loadCA(derToPem(certDer, 'CERTIFICATE'), sec1DerToKeyPem(keyDer));
}
