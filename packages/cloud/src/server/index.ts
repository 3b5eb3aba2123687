export { loadConfig, parseLayers, logConfigSchema, serverConfigSchema, defaultConfig, enabledControllers, logLevels, ConfigError, type ServerConfig, type ConfigOverrides, type LoadConfigOptions, type NodeLifecycleConfig } from './config.js';
export { writeKubeconfig, renderKubeconfig, type KubeconfigOptions } from './kubeconfig.js';
export { listen, serverUrl, type ListenFlags } from './listen.js';
export { UserError, isUserError } from './errors.js';
export { runServer } from './run-server.js';
