import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** https://host:port of the API server. */
  server: string;
  caPem: string;
  /** Client certificate and key; omit both to authenticate with `token` only. */
  certPem?: string;
  keyPem?: string;
  token?: string;
  /** User entry name (also the cluster and context name unless `context` is given). */
  user: string;
  context: string;
  cluster?: string;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** A self-contained kubeconfig (certificates embedded as `*-data`), as YAML text. */
export function renderKubeconfig(o: KubeconfigOptions): string {
  const cluster = o.cluster ?? o.context;
  const user: Record<string, string> = {};
  if (o.certPem) user['client-certificate-data'] = b64(o.certPem);
  if (o.keyPem) user['client-key-data'] = b64(o.keyPem);
  if (o.token) user.token = o.token;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: o.server, 'certificate-authority-data': b64(o.caPem) } }],
    users: [{ name: o.user, user }],
    contexts: [{ name: o.context, context: { cluster, user: o.user } }],
    'current-context': o.context,
    preferences: {},
  });
}

/** Writes the kubeconfig with mode 0600: it holds a private key. Replaces the file atomically. */
export function writeKubeconfig(path: string, o: KubeconfigOptions): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, renderKubeconfig(o), { mode: 0o600 });
  renameSync(tmp, path);
}
