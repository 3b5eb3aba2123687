export * from './fake-kube.js';
export * from './harness.js';
export * from './fault-proxy.js';
