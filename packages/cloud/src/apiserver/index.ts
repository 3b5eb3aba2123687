export { createApiServer, type ApiServerExtras } from './server.js';
export { createAuthenticator, allowAll, type Authorizer, type AuthenticatorOptions } from './auth.js';
export type * from './types.js';
