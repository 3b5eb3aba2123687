export * from './cache.js';
export * from './informer.js';
export * from './informer-factory.js';
