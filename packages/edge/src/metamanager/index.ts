export * from './meta-store.js';
export * from './meta-manager.js';
export { refForEdgeType, edgeTypeForRef, knownRefs } from './edge-types.js';
