// Edged (issue 4): this node's pods on containerd through CRI, from the cache and static pods, with
// statuses kept while offline; `no-runtime` when edged is off or no runtime is installed.
export { createEdged, type Edged, type EdgedOptions } from './edged.js';
export { resolveRuntime, ensureLocalImages, type ResolvedRuntime } from './runtime.js';
export { createStatusReporter, isStaticPod, type StatusReporter, type PodEvent } from './status-reporter.js';
export * from './static-pods/index.js';
export { createNoRuntime, NO_RUNTIME_REASON, type NoRuntime, type NoRuntimeOptions } from './no-runtime.js';
export * from './pod-manager/index.js';
export * from './volumes/index.js';
export * from './env/index.js';
