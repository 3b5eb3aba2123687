export { createServiceAccountTokenAuthenticator, type ServiceAccountTokenAuthenticator } from './authenticate.js';
export { signJwt, verifyJwt, keyId } from './jwt.js';
export {
  DEFAULT_SA_AUDIENCES, DEFAULT_SA_ISSUER, DEFAULT_TOKEN_SECONDS, MAX_TOKEN_SECONDS, MIN_TOKEN_SECONDS, type ServiceAccountTokenOptions,
} from './options.js';
export { handleTokenRequest } from './token-request.js';
