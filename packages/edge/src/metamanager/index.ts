export * from './meta-store.js';
export * from './meta-manager.js';
export { refForEdgeType } from './edge-types.js';
