export { createNoRuntime, NO_RUNTIME_REASON, type NoRuntime, type NoRuntimeOptions } from './no-runtime.js';
