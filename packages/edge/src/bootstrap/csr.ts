import { generateKeyPair, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { oid, seq, tlv } from '@kedge/core/der/index.js';

const generateEcKey = promisify(generateKeyPair);
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const rdn = (type: string, value: string): Buffer => tlv(0x31, seq(oid(type), tlv(0x0c, Buffer.from(value, 'utf8'))));

/**
 * A fresh ECDSA P-256 key and a DER CSR for it with the subject a KubeEdge edgecore sends
 * (observed on the wire: C=CN, ST=Zhejiang, L=Hangzhou, O=system:nodes, CN=system:node:<name>).
 * The key comes back as SEC1 PEM ("EC PRIVATE KEY"), the form edgecore writes. Written as DER and
 * signed with node:crypto (key generation on libuv's pool) because hollow-node fleets create
 * thousands of these on the same cores as CloudCore.
 */
export async function createNodeCSR(nodeName: string): Promise<{ csrDer: Uint8Array; keyPem: string }> {
  const { publicKey, privateKey } = await generateEcKey('ec', { namedCurve: 'P-256' });
  const info = seq(
    tlv(0x02, Buffer.from([0])),
    seq(rdn('2.5.4.6', 'CN'), rdn('2.5.4.8', 'Zhejiang'), rdn('2.5.4.7', 'Hangzhou'), rdn('2.5.4.10', 'system:nodes'), rdn('2.5.4.3', `system:node:${nodeName}`)),
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa0),
  );
  const signature = sign('sha256', info, privateKey);
  const csr = seq(info, ECDSA_SHA256, tlv(0x03, Buffer.from([0]), signature));
  return { csrDer: new Uint8Array(csr), keyPem: privateKey.export({ type: 'sec1', format: 'pem' }).toString() };
}
