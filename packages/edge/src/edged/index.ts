// Edged, being built for issue 4: today `no-runtime` reports bound pods honestly as waiting; the pod
// manager (CRI), volumes and env resolution are tested pieces that EdgeCore will wire in next.
export { createNoRuntime, NO_RUNTIME_REASON, type NoRuntime, type NoRuntimeOptions } from './no-runtime.js';
export * from './pod-manager/index.js';
export * from './volumes/index.js';
export * from './env/index.js';
