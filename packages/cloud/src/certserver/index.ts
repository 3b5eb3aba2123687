export { createToken, verifyToken, parseJoinToken, caHash, type TokenClaims } from './token.js';
export { TokenManager, readTokenFromSecret, type TokenManagerOptions } from './token-manager.js';
export {
  loadOrCreateCloudPKI, KUBEEDGE_NAMESPACE, CA_SECRET, CLOUDCORE_SECRET, TOKEN_SECRET,
  type CloudPKI, type CloudPKIOptions,
} from './cloud-pki.js';
export { createCertServer, type CertServer, type CertServerOptions, type TokenVerifier } from './cert-server.js';
