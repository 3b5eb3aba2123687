export { runHollowNodes, defaultCertServer, type HollowNodesOptions, type HollowProgress } from './hollow-nodes.js';
export { createMapStore } from './map-store.js';
export { createFakeRuntime, type FakeRuntime, type FakeRuntimeOptions } from './fake-runtime.js';
