export * from './meta.js';
export * from './errors.js';
export * from './version.js';
export * from './resources.js';
export * from './schema/index.js';
export * from './patch/index.js';
export * from './selectors/index.js';
export * from './crds/index.js';
