export * from './types.js';
export * from './validate.js';
export * from './defaults.js';
export * from './builtin.js';
export * from './openapi.js';
