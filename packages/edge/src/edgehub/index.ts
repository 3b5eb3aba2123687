export type { EdgeLink } from './types.js';
export { createEdgeHub, DEFAULT_PROJECT_ID, type EdgeHub, type EdgeHubOptions, type EdgeHubStats } from './edgehub.js';
export { cloudHubUrl, dialCloudHub, UpgradeRefusedError, type EdgeTls, type DialOptions } from './dial.js';
export { createBackoff, defaultBackoff, type Backoff, type BackoffOptions } from './backoff.js';
export { createTokenBucket, type TokenBucket } from './token-bucket.js';
