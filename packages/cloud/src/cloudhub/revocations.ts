import { R, isAlreadyExists, isNotFound, type KubeObject } from '@kedge/api';
import type { KubeClient, Logger } from '@kedge/core';
import { CERT_BACKDATE_MS } from '../pki/index.js';

export const REVOCATIONS_NAMESPACE = 'kubeedge';
export const REVOCATIONS_CONFIGMAP = 'revoked-nodes';

const DAY_MS = 86_400_000;
/** Longest node-certificate lifetime (the cert server's 365 days) plus a margin for clock skew and backdating. */
export const DEFAULT_RETAIN_MS = (365 + 30) * DAY_MS;
const MIN_RETRY_MS = 100;
const MAX_RETRY_MS = 30_000;

export interface Revocation {
  node: string;
  /** Unix ms: every certificate of `node` issued at or before this instant is refused. */
  revokedAt: number;
}

/** What the certificate checks need: CloudHub's upgrade and the cert server's certificate renewal. */
export interface RevocationCheck {
  isRevoked(node: string, certNotBefore: Date): boolean;
}

/**
 * Durable, certificate-based node revocation. A node's certificate is revoked iff the node is listed and
 * the certificate was issued (notBefore + CERT_BACKDATE_MS) at or before the node's revokedAt, so a
 * fresh token-based join after a Node deletion is admitted while every older certificate stays refused.
 * Persisted in ConfigMap kubeedge/revoked-nodes (`data: { <node>: <RFC 3339 revokedAt> }`).
 */
export interface Revocations extends RevocationCheck {
  /** Reads the ConfigMap; call before any certificate is checked. Idempotent. */
  load(): Promise<void>;
  loaded(): boolean;
  /** Revokes in memory at once and persists in the background (retried until written). Idempotent. */
  revoke(node: string, at?: number): void;
  list(): Revocation[];
  /** Resolves once every revocation made so far is written (or close() gave up on it). */
  flush(): Promise<void>;
  /** Stops retrying failed writes (shutdown). */
  close(): void;
}

export interface RevocationsOptions {
  client: KubeClient;
  log: Logger;
  now?: () => number;
  /** Entries older than this are pruned: every certificate they refuse has expired. */
  retainMs?: number;
}

type ConfigMap = KubeObject & { data?: Record<string, string> };

export function createRevocations(opts: RevocationsOptions): Revocations {
  const log = opts.log.child({ module: 'revocations' });
  const now = opts.now ?? Date.now;
  const retainMs = opts.retainMs ?? DEFAULT_RETAIN_MS;
  const entries = new Map<string, number>();
  let loading: Promise<void> | undefined;
  let isLoaded = false;
  let dirty = false;
  let closed = false;
  let writing: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  /** Keeps the later revocation of a node; returns whether anything changed. */
  const merge = (node: string, at: number): boolean => {
    const prev = entries.get(node);
    if (prev !== undefined && prev >= at) return false;
    entries.set(node, at);
    return true;
  };

  const mergeData = (data: Record<string, string> | undefined): void => {
    for (const [node, value] of Object.entries(data ?? {})) {
      const at = Date.parse(value);
      if (Number.isNaN(at)) log.warn({ node, value }, 'ignoring revocation with an unparsable time');
      else merge(node, at);
    }
  };

  const prune = (): boolean => {
    const horizon = now() - retainMs;
    let pruned = false;
    for (const [node, at] of entries) {
      if (at < horizon) {
        entries.delete(node);
        pruned = true;
        log.info({ node, revokedAt: new Date(at).toISOString() }, 'pruned revocation older than any node certificate');
      }
    }
    return pruned;
  };

  const data = (): Record<string, string> =>
    Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)).map(([node, at]) => [node, new Date(at).toISOString()]));

  /** Read-modify-write: entries another CloudCore wrote are kept (the later time wins). */
  async function persist(): Promise<void> {
    let cm: ConfigMap | undefined;
    try {
      cm = await opts.client.get<ConfigMap>(R.configmaps, REVOCATIONS_NAMESPACE, REVOCATIONS_CONFIGMAP);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (cm) {
      mergeData(cm.data);
      prune();
      await opts.client.update(R.configmaps, { ...cm, data: data() });
      return;
    }
    prune();
    const obj: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: REVOCATIONS_CONFIGMAP, namespace: REVOCATIONS_NAMESPACE }, data: data() };
    try {
      await opts.client.create(R.configmaps, obj);
    } catch (err) {
      // A missing namespace (CloudCore against a fresh cluster): create it and let the retry write.
      if (isNotFound(err)) {
        await opts.client.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: REVOCATIONS_NAMESPACE } })
          .catch((e: unknown) => { if (!isAlreadyExists(e)) throw e; });
      }
      throw err;
    }
  }

  const pause = (ms: number) => new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    // A pending retry must not keep the process alive on its own.
    t.unref();
    wake = done;
    function done() {
      clearTimeout(t);
      wake = undefined;
      resolve();
    }
  });

  async function writeLoop(): Promise<void> {
    let delay = MIN_RETRY_MS;
    while (dirty && !closed) {
      dirty = false;
      try {
        await persist();
        delay = MIN_RETRY_MS;
      } catch (err) {
        dirty = true;
        if (closed) break;
        log.warn({ err, retryMs: delay }, 'writing revoked nodes failed, retrying');
        await pause(delay);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    }
  }

  const schedule = () => {
    dirty = true;
    if (!writing && !closed) writing = writeLoop().finally(() => (writing = undefined));
  };

  return {
    load() {
      loading ??= (async () => {
        try {
          const cm = await opts.client.get<ConfigMap>(R.configmaps, REVOCATIONS_NAMESPACE, REVOCATIONS_CONFIGMAP);
          mergeData(cm.data);
        } catch (err) {
          if (!isNotFound(err)) {
            loading = undefined;
            throw err;
          }
        }
        isLoaded = true;
        if (prune()) schedule();
        log.info({ revoked: entries.size }, 'revoked nodes loaded');
      })();
      return loading;
    },

    loaded: () => isLoaded,

    revoke(node, at = now()) {
      if (!merge(node, at)) return;
      log.info({ node, revokedAt: new Date(at).toISOString() }, 'node revoked');
      schedule();
    },

    isRevoked(node, certNotBefore) {
      const at = entries.get(node);
      if (at === undefined) return false;
      // X.509 times have whole seconds, so a certificate issued in the second of the revocation counts
      // as older: refusing a brand-new one is the safe side of that ambiguity. NaN fails closed.
      return !(certNotBefore.getTime() + CERT_BACKDATE_MS > at);
    },

    list: () => [...entries].map(([node, revokedAt]) => ({ node, revokedAt })),

    async flush() {
      while (writing) await writing;
    },

    close() {
      closed = true;
      wake?.();
    },
  };
}
