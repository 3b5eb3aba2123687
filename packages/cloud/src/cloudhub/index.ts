export * from './types.js';
export { createCloudHub, type CloudHubOptions, type CloudHubServer } from './cloud-hub.js';
export { classify, compareRv, type AckInfo } from './classify.js';
