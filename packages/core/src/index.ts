export * from './module/module.js';
export * from './log/logger.js';
export * from './client/types.js';
export * from './controller/types.js';
