export { runCloudCore, type CloudCoreDeps } from './run-cloud-core.js';
export { cloudcoreSchema, defaultCloudCoreConfig, type CloudCoreConfig } from './config.js';
export { advertiseAddresses } from './addresses.js';
export { ensureCloudCoreResources } from './ensure-crds.js';
export { CLOUDHUB_CIPHERS } from './listeners.js';
export { runCloud, cloudCoreClientLimits } from './run-cloud.js';
export { loadCloudConfig, defaultCloudConfig, cloudConfigSchema, type CloudConfig, type LoadCloudConfigOptions } from './cloud-config.js';
export { cloudCoreCacheTransforms } from './cache-transforms.js';
