export * from './types.js';
export { createCloudHub, type CloudHubOptions, type CloudHubServer } from './cloud-hub.js';
export { classify, compareRv, type AckInfo } from './classify.js';
export {
  createRevocations, REVOCATIONS_NAMESPACE, REVOCATIONS_CONFIGMAP, DEFAULT_RETAIN_MS,
  type Revocations, type RevocationsOptions, type Revocation, type RevocationCheck,
} from './revocations.js';
