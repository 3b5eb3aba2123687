import { createPrivateKey } from 'node:crypto';
import { webcrypto, x509 } from './x509.js';

/**
 * A fresh ECDSA P-256 key and a DER CSR for it with the subject a KubeEdge edgecore sends
 * (observed on the wire: C=CN, ST=Zhejiang, L=Hangzhou, O=system:nodes, CN=system:node:<name>).
 * The key comes back as SEC1 PEM ("EC PRIVATE KEY"), the form edgecore writes.
 */
export async function createNodeCSR(nodeName: string): Promise<{ csrDer: Uint8Array; keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ C: ['CN'] }, { ST: ['Zhejiang'] }, { L: ['Hangzhou'] }, { O: ['system:nodes'] }, { CN: [`system:node:${nodeName}`] }],
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'sec1', format: 'pem' }).toString();
  return { csrDer: new Uint8Array(csr.rawData), keyPem };
}
