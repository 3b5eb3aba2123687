export * from './fake-kube.js';
