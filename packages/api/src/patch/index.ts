export * from './json-merge-patch.js';
export * from './json-patch.js';
export * from './strategic-merge-patch.js';
