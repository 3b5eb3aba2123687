export * from './http-client.js';
export * from './kubeconfig.js';
export * from './rate-limiter.js';
