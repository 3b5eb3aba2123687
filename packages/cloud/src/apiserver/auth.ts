import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Authenticator, UserInfo } from './types.js';

export interface AuthenticatorOptions {
  /** Bearer token → user. */
  tokens: Map<string, UserInfo>;
  /** CA that signs client certificates; checked in addition to the TLS layer's own verdict. */
  caCertPem?: string;
}

const authenticatedGroup = 'system:authenticated';

function withGroup(u: UserInfo): UserInfo {
  return u.groups.includes(authenticatedGroup) ? u : { name: u.name, groups: [...u.groups, authenticatedGroup] };
}

function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/**
 * Client certificate (CN = user, O = groups) or `Authorization: Bearer <token>`. The https server runs
 * with `requestCert: true, rejectUnauthorized: false`, so an unverified certificate just means anonymous.
 */
export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const ca = opts.caCertPem ? new X509Certificate(opts.caCertPem) : undefined;
  const certOk = (socket: TLSSocket, raw: Buffer): boolean => {
    if (socket.authorized) return true;
    if (!ca) return false;
    try {
      const cert = new X509Certificate(raw);
      const now = Date.now();
      return cert.checkIssued(ca) && cert.verify(ca.publicKey) && Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
    } catch {
      return false;
    }
  };
  // A TLS connection's client certificate never changes, and kubectl/informers reuse keep-alive
  // connections: verify once per socket (getPeerCertificate showed up in create profiles).
  const bySocket = new WeakMap<TLSSocket, UserInfo | null>();
  const fromCert = (socket: TLSSocket): UserInfo | undefined => {
    const cert = socket.getPeerCertificate();
    if (!cert || !cert.raw || !cert.subject) return undefined;
    if (!certOk(socket, cert.raw)) return undefined;
    const cn = asList(cert.subject.CN)[0];
    if (!cn) return undefined;
    return withGroup({ name: cn, groups: asList(cert.subject.O) });
  };
  return {
    authenticate(req: IncomingMessage): UserInfo | undefined {
      const h = req.headers.authorization;
      if (h && /^bearer\s+/i.test(h)) {
        const user = opts.tokens.get(h.replace(/^bearer\s+/i, '').trim());
        if (user) return withGroup(user);
      }
      const socket = req.socket as TLSSocket;
      if (typeof socket.getPeerCertificate !== 'function') return undefined;
      let user = bySocket.get(socket);
      if (user === undefined) {
        user = fromCert(socket) ?? null;
        bySocket.set(socket, user);
      }
      return user ?? undefined;
    },
  };
}

/** Authorization seam: every authenticated user may do everything until RBAC exists. */
export interface Authorizer {
  authorize(user: UserInfo, attrs: { verb: string; group: string; resource: string; namespace?: string; name?: string; subresource?: string }): boolean;
}

export const allowAll: Authorizer = { authorize: () => true };
