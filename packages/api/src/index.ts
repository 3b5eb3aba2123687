export * from './meta.js';
export * from './errors.js';
export * from './version.js';
export * from './resources.js';
