import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The ServiceAccount token signing key pair (kube-apiserver's --service-account-signing-key-file / --service-account-key-file). */
export interface ServiceAccountKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export const SA_KEY_FILE = 'sa.key';
export const SA_PUB_FILE = 'sa.pub';

function writeAtomic(path: string, data: string, mode: number): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

/**
 * Loads `dir/sa.key` (PKCS#8 PEM, P-256) or creates it with `sa.pub` on first start. The public key
 * is always derived from the private one, so a stale or missing `sa.pub` is rewritten, never trusted.
 */
export function loadOrCreateServiceAccountKey(dir: string): ServiceAccountKey {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyPath = join(dir, SA_KEY_FILE);
  const pubPath = join(dir, SA_PUB_FILE);
  let privateKey: KeyObject;
  if (existsSync(keyPath)) {
    privateKey = createPrivateKey(readFileSync(keyPath, 'utf8'));
    if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error(`${keyPath} is not a P-256 EC private key`);
    }
  } else {
    privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    writeAtomic(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
  }
  const publicKey = createPublicKey(privateKey);
  const pubPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  if (!existsSync(pubPath) || readFileSync(pubPath, 'utf8') !== pubPem) writeAtomic(pubPath, pubPem, 0o644);
  return { privateKey, publicKey };
}
