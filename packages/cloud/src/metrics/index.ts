export { createCloudMetrics, type CloudMetrics } from './cloud-metrics.js';
export { requestInfo, type RequestInfo } from './request-info.js';
