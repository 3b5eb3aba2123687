import { z } from 'zod';
import { deepFreeze } from '@kedge/core';
import { logConfigSchema, parseLayers } from '../server/config.js';
import { cloudcoreSchema, type CloudCoreConfig } from './config.js';

/** `kedge cloud --config FILE`: the same `cloudcore` and `log` sections as `kedge server`'s config. */
export const cloudConfigSchema = z.object({
  cloudcore: cloudcoreSchema.prefault({}),
  log: logConfigSchema.prefault({}),
}).strict();

export interface CloudConfig {
  readonly cloudcore: CloudCoreConfig;
  readonly log: Readonly<z.infer<typeof logConfigSchema>>;
}

export interface LoadCloudConfigOptions {
  file?: string | undefined;
  /** Flag values, shaped like the config; undefined values are ignored. */
  flags?: { cloudcore?: Record<string, unknown>; log?: Record<string, unknown> } | undefined;
  stderrIsTTY?: boolean | undefined;
}

/** defaults < YAML file < flags, deep-frozen; bad fields are `config: <path>: <problem>` ConfigErrors. */
export function loadCloudConfig(opts: LoadCloudConfigOptions): CloudConfig {
  return deepFreeze(parseLayers(cloudConfigSchema, opts)) as CloudConfig;
}

export function defaultCloudConfig(): unknown {
  return cloudConfigSchema.parse({});
}
