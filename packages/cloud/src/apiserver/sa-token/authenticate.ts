import type { IncomingMessage } from 'node:http';
import type { ServerCore } from '../request-context.js';
import type { UserInfo } from '../types.js';
import { verifyJwt } from './jwt.js';
import { DEFAULT_SA_AUDIENCES, DEFAULT_SA_ISSUER, type ServiceAccountTokenOptions } from './options.js';

export interface ServiceAccountTokenAuthenticator {
  /** The service account a bearer JWT names, or undefined when the request carries no valid one. */
  authenticate(req: IncomingMessage): Promise<UserInfo | undefined>;
}

interface Ref {
  name?: unknown;
  uid?: unknown;
}

/** Clock skew tolerated on nbf/iat (upstream's jwt leeway). */
const LEEWAY_S = 60;

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h || !/^bearer\s+/i.test(h)) return undefined;
  return h.replace(/^bearer\s+/i, '').trim();
}

/**
 * Bearer tokens issued by `serviceaccounts/token` (upstream's service account token authenticator):
 * ES256 signature, issuer, audience, exp/nbf, and the ServiceAccount and bound Pod/Secret still
 * existing with the uids in the token. Lookups are cached for `lookupCacheMs` since clients send the
 * same token with every request.
 */
export function createServiceAccountTokenAuthenticator(core: ServerCore, opts: ServiceAccountTokenOptions): ServiceAccountTokenAuthenticator {
  const issuer = opts.issuer ?? DEFAULT_SA_ISSUER;
  const audiences = new Set(opts.audiences ?? DEFAULT_SA_AUDIENCES);
  const ttl = opts.lookupCacheMs ?? 10_000;
  const cache = new Map<string, { ok: boolean; until: number }>();

  async function exists(plural: string, namespace: string, ref: Ref | undefined): Promise<boolean> {
    if (!ref || typeof ref.name !== 'string' || typeof ref.uid !== 'string') return false;
    const key = `${plural}/${namespace}/${ref.name}/${ref.uid}`;
    const now = core.now().getTime();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.ok;
    const found = await core.store.get(core.registry.lookup('', 'v1', plural)!, namespace, ref.name);
    const ok = found !== undefined && found.obj.metadata.uid === ref.uid && !found.obj.metadata.deletionTimestamp;
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { ok, until: now + ttl });
    return ok;
  }

  return {
    async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
      const token = bearer(req);
      if (!token || token.split('.').length !== 3) return undefined;
      const c = verifyJwt(token, opts.key.publicKey);
      if (!c || c.iss !== issuer) return undefined;
      const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
      if (!aud.some((a) => typeof a === 'string' && audiences.has(a))) return undefined;
      const now = core.now().getTime() / 1000;
      if (typeof c.exp !== 'number' || c.exp <= now) return undefined;
      if (typeof c.nbf === 'number' && c.nbf > now + LEEWAY_S) return undefined;
      const k8s = c['kubernetes.io'] as { namespace?: unknown; serviceaccount?: Ref; pod?: Ref; secret?: Ref } | undefined;
      const ns = k8s?.namespace;
      if (typeof ns !== 'string' || typeof k8s?.serviceaccount?.name !== 'string') return undefined;
      if (c.sub !== `system:serviceaccount:${ns}:${k8s.serviceaccount.name}`) return undefined;
      if (!(await exists('serviceaccounts', ns, k8s.serviceaccount))) return undefined;
      if (k8s.pod !== undefined && !(await exists('pods', ns, k8s.pod))) return undefined;
      if (k8s.secret !== undefined && !(await exists('secrets', ns, k8s.secret))) return undefined;
      return {
        name: c.sub,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      };
    },
  };
}
