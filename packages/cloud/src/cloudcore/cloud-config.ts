import { z } from 'zod';
import { deepFreeze } from '@kedge/core';
import { logConfigSchema, parseLayers } from '../server/config.js';
import { cloudcoreSchema, type CloudCoreConfig } from './config.js';

const metricsSchema = z.object({
  /** Serve Prometheus /metrics (plain HTTP, no authentication: keep it on loopback or a private network). Default true. */
  enable: z.boolean().default(true),
  /** Listen address. Default 127.0.0.1. */
  bind: z.string().min(1).default('127.0.0.1'),
  /** Port; 0 picks a free one. Default 10352. */
  port: z.number().int().min(0).max(65535).default(10352),
}).strict();

/**
 * `kedge cloud --config FILE`: the same `cloudcore` and `log` sections as `kedge server`'s config, plus
 * `metrics` (`kedge server` serves /metrics on its API port instead).
 */
export const cloudConfigSchema = z.object({
  cloudcore: cloudcoreSchema.prefault({}),
  metrics: metricsSchema.prefault({}),
  log: logConfigSchema.prefault({}),
}).strict();

export interface CloudConfig {
  readonly cloudcore: CloudCoreConfig;
  readonly metrics: Readonly<z.infer<typeof metricsSchema>>;
  readonly log: Readonly<z.infer<typeof logConfigSchema>>;
}

export interface LoadCloudConfigOptions {
  file?: string | undefined;
  /** Flag values, shaped like the config; undefined values are ignored. */
  flags?: { cloudcore?: Record<string, unknown>; metrics?: Record<string, unknown>; log?: Record<string, unknown> } | undefined;
  stderrIsTTY?: boolean | undefined;
}

/** defaults < YAML file < flags, deep-frozen; bad fields are `config: <path>: <problem>` ConfigErrors. */
export function loadCloudConfig(opts: LoadCloudConfigOptions): CloudConfig {
  return deepFreeze(parseLayers(cloudConfigSchema, opts)) as CloudConfig;
}

export function defaultCloudConfig(): unknown {
  return cloudConfigSchema.parse({});
}
