import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

export interface KubeClientConfig {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  insecureSkipTLSVerify?: boolean;
  userAgent?: string;
  qps?: number;
  burst?: number;
  /** Per request (not watches); default 30 s. */
  timeoutMs?: number;
}

interface Named<T> { name: string; [k: string]: unknown; cluster?: T; user?: T; context?: T }

/** Reads a kubeconfig (kubectl's format) and returns the connection settings of `context` (default: current-context). */
export function loadKubeconfig(path: string, context?: string): KubeClientConfig {
  const doc = parse(readFileSync(path, 'utf8')) as Record<string, any>;
  const base = dirname(resolve(path));
  const pick = <T>(list: Named<T>[] | undefined, name: string, what: 'cluster' | 'user' | 'context'): T => {
    const e = (list ?? []).find((x) => x.name === name);
    if (!e) throw new Error(`kubeconfig ${path}: ${what} "${name}" not found`);
    return (e[what] ?? {}) as T;
  };
  const ctxName = context ?? doc['current-context'];
  if (!ctxName) throw new Error(`kubeconfig ${path}: no context given and no current-context`);
  const ctx = pick<{ cluster: string; user?: string }>(doc.contexts, ctxName, 'context');
  const cluster = pick<Record<string, any>>(doc.clusters, ctx.cluster, 'cluster');
  const user: Record<string, any> = ctx.user ? pick<Record<string, any>>(doc.users, ctx.user, 'user') : {};
  const material = (data: unknown, file: unknown): string | undefined => {
    if (typeof data === 'string' && data) return Buffer.from(data, 'base64').toString('utf8');
    if (typeof file === 'string' && file) return readFileSync(isAbsolute(file) ? file : resolve(base, file), 'utf8');
    return undefined;
  };
  if (typeof cluster.server !== 'string') throw new Error(`kubeconfig ${path}: cluster "${ctx.cluster}" has no server`);
  const cfg: KubeClientConfig = { server: cluster.server };
  const ca = material(cluster['certificate-authority-data'], cluster['certificate-authority']);
  const cert = material(user['client-certificate-data'], user['client-certificate']);
  const key = material(user['client-key-data'], user['client-key']);
  if (ca) cfg.caPem = ca;
  if (cert) cfg.certPem = cert;
  if (key) cfg.keyPem = key;
  if (typeof user.token === 'string') cfg.token = user.token;
  else if (typeof user.tokenFile === 'string') cfg.token = readFileSync(resolve(base, user.tokenFile), 'utf8').trim();
  if (cluster['insecure-skip-tls-verify'] === true) cfg.insecureSkipTLSVerify = true;
  return cfg;
}
