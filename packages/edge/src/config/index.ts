export {
  loadEdgeConfig, writeEdgeConfig, edgeConfigSchema, defaultEdgeDataDir, edgeLogLevels, EdgeConfigError,
  type EdgeConfig, type EdgeConfigOverrides,
} from './edge-config.js';
