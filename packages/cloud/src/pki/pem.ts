import { ecAlgorithm, webcrypto, type CryptoKey } from './x509.js';

export type PemLabel = 'CERTIFICATE' | 'PRIVATE KEY' | 'CERTIFICATE REQUEST' | 'PUBLIC KEY';

/** RFC 7468 textual encoding, 64-column lines. */
export function derToPem(der: Uint8Array | ArrayBuffer, label: PemLabel): string {
  const b64 = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** DER bytes of the first PEM block (of `label`, when given). Throws on text without such a block. */
export function pemToDer(pem: string, label?: PemLabel): Uint8Array {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (const m of pem.matchAll(re)) {
    if (label && m[1] !== label) continue;
    return new Uint8Array(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64'));
  }
  throw new Error(`no PEM block${label ? ` of type ${label}` : ''} found`);
}

export function isPem(data: string | Uint8Array): data is string {
  return typeof data === 'string' && data.includes('-----BEGIN ');
}

/** PKCS#8 PEM, the format node:tls and Go's tls.X509KeyPair both accept. */
export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  return derToPem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

export async function importPrivateKeyPem(pem: string): Promise<CryptoKey> {
  const der = pemToDer(pem, 'PRIVATE KEY');
  return webcrypto.subtle.importKey('pkcs8', der, ecAlgorithm, true, ['sign']);
}
