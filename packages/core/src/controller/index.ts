export * from './controller.js';
export * from './types.js';
