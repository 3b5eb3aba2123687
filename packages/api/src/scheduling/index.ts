export * from './taints.js';
export * from './node-affinity.js';
export * from './quantity.js';
