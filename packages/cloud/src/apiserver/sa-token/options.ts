import type { ServiceAccountKey } from '../../pki/sa-signing-key.js';

export const DEFAULT_SA_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const DEFAULT_SA_AUDIENCES = ['https://kubernetes.default.svc.cluster.local'];
export const DEFAULT_TOKEN_SECONDS = 3600;
/** Upstream's TokenRequest validation floor. */
export const MIN_TOKEN_SECONDS = 600;
/** kube-apiserver --service-account-max-token-expiration; longer requests are shortened to it. */
export const MAX_TOKEN_SECONDS = 48 * 3600;

/** ServiceAccount token issuing and authentication (`serviceaccounts/token`, bearer JWTs). */
export interface ServiceAccountTokenOptions {
  key: ServiceAccountKey;
  /** `iss` of issued tokens and the only issuer accepted. Default DEFAULT_SA_ISSUER. */
  issuer?: string;
  /** Default `spec.audiences`, and the audiences a token must carry to authenticate here (--api-audiences). */
  audiences?: string[];
  /** How long a bound-object or ServiceAccount lookup is trusted by the authenticator. Default 10 s. */
  lookupCacheMs?: number;
}
