export * from './fake-kube.js';
export * from './harness.js';
