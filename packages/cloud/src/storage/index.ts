import type { Logger } from '@kedge/core';
import { MemoryBackend } from './memory/memory-backend.js';
import { SqliteBackend } from './sqlite/sqlite-backend.js';
import type { Backend } from './types.js';

export * from './types.js';
export { MemoryBackend } from './memory/memory-backend.js';
export { SqliteBackend, type SqliteBackendOptions } from './sqlite/sqlite-backend.js';

export type BackendConfig = { type: 'memory' } | { type: 'sqlite'; path: string; eventRingSize?: number; eventRingBytes?: number };

const factories: { [T in BackendConfig['type']]: (cfg: Extract<BackendConfig, { type: T }>, log: Logger) => Backend } = {
  memory: (_cfg, log) => new MemoryBackend(log),
  sqlite: (cfg, log) => new SqliteBackend({ path: cfg.path, eventRingSize: cfg.eventRingSize, eventRingBytes: cfg.eventRingBytes }, log),
};

/** Builds the configured backend (not yet opened). `log` is the storage module's logger (`log.child({ module: 'storage' })`). */
export function createBackend(cfg: BackendConfig, log: Logger): Backend {
  const make = factories[cfg.type] as (c: BackendConfig, l: Logger) => Backend;
  return make(cfg, log);
}
