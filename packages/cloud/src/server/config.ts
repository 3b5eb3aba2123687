import { join, resolve } from 'node:path';
import { deepFreeze, mergeLayers, parseConfig, readYamlConfig } from '@kedge/core';
import { z } from 'zod';
import { UserError } from './errors.js';
import { cloudcoreSchema, type CloudCoreConfig, type DeepReadonly } from '../cloudcore/config.js';

/** Log levels pino knows, most to least severe; `silent` turns logging off. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const apiserverSchema = z.object({
  /** Address the HTTPS API listens on. Use 0.0.0.0 to accept remote clients. Default 127.0.0.1. */
  bind: z.string().min(1).default('127.0.0.1'),
  /** TCP port of the HTTPS API; 0 picks a free port. Default 6443. */
  port: z.number().int().min(0).max(65535).default(6443),
  /** Extra host names or IPs clients use to reach the server, added to the serving certificate. Default none. */
  advertiseAddresses: z.array(z.string().min(1)).default([]),
  /** Directory holding state.db, pki/ and kubeconfig.yaml; relative paths resolve against the working directory. Default ./data. */
  dataDir: z.string().min(1).default('./data'),
  /** Largest accepted request body in bytes; larger requests get 413. Default 3 MiB. */
  maxBodyBytes: z.number().int().positive().default(3 * 1024 * 1024),
  /** How often old revisions are compacted, in ms; 0 disables compaction. Default 300000 (5 min). */
  compactIntervalMs: z.number().int().min(0).default(300_000),
  /** Revisions always kept for watch resume and exact-revision reads. Default 10000. */
  compactMinRetain: z.number().int().min(0).default(10_000),
}).strict();

const storageSchema = z.object({
  /** Storage backend: sqlite (durable, the default) or memory (lost on exit; for tests and demos). */
  type: z.enum(['sqlite', 'memory']).default('sqlite'),
  /** SQLite database file; empty means <dataDir>/state.db. Default empty. */
  path: z.string().default(''),
}).strict();

const nodeLifecycleSchema = z.object({
  /** Seconds without a node heartbeat before the node is marked Unknown (kube's node-monitor-grace-period). Default 50. */
  gracePeriodSeconds: z.number().int().positive().default(50),
  /** Grace period for a node that has never reported Ready since the controller started. Default 60. */
  startupGracePeriodSeconds: z.number().int().positive().default(60),
  /** Evict pods from unreachable edge nodes; off by default because edge nodes run autonomously while offline. Default false. */
  evictEdgePods: z.boolean().default(false),
  /** tolerationSeconds added for the not-ready/unreachable NoExecute taints on pods without their own. Default 300. */
  defaultTolerationSeconds: z.number().int().min(0).default(300),
}).strict();

const logSchema = z.object({
  /** Minimum level written to stderr. Default info. */
  level: z.enum(logLevels).default('info'),
  /** Human-readable colored lines instead of JSON. Default: true when stderr is a terminal, else false. */
  pretty: z.boolean().default(false),
}).strict();

const dashboardSchema = z.object({
  /** Serve the web dashboard at /dashboard/ on the API port (same TLS and authentication as the API). Default true. */
  enable: z.boolean().default(true),
}).strict();

export type NodeLifecycleConfig = z.infer<typeof nodeLifecycleSchema>;

/**
 * The `kedge server` config schema: one section per module. `controllerNames` become boolean
 * switches under `controllers` (every controller is on by default).
 */
export function serverConfigSchema(controllerNames: readonly string[]) {
  const switches: Record<string, z.ZodDefault<z.ZodBoolean>> = {};
  for (const name of controllerNames) switches[name] = z.boolean().default(true);
  return z.object({
    apiserver: apiserverSchema.prefault({}),
    storage: storageSchema.prefault({}),
    controllers: z.object({ ...switches, nodeLifecycle: nodeLifecycleSchema.prefault({}) }).strict().prefault({}),
    cloudcore: cloudcoreSchema.prefault({}),
    dashboard: dashboardSchema.prefault({}),
    log: logSchema.prefault({}),
  }).strict();
}

/** The `log` section, shared with `kedge cloud`. */
export const logConfigSchema = logSchema;

export type ServerConfig = DeepReadonly<{
  apiserver: z.infer<typeof apiserverSchema>;
  storage: z.infer<typeof storageSchema>;
  /** `<controller name>: boolean` switches plus the nodeLifecycle settings. */
  controllers: { nodeLifecycle: NodeLifecycleConfig } & { [name: string]: boolean | NodeLifecycleConfig };
  log: z.infer<typeof logSchema>;
  dashboard: z.infer<typeof dashboardSchema>;
}> & { readonly cloudcore: CloudCoreConfig };

/** What flags may override: any subset of the config. */
export type ConfigOverrides = { [K in keyof ServerConfig]?: Partial<Record<string, unknown>> };

/** Reads and merges the config layers (defaults < tty hint < YAML file < flags) and validates them with `schema`. */
export function parseLayers<T>(schema: z.ZodType<T>, opts: { file?: string | undefined; flags?: object | undefined; stderrIsTTY?: boolean | undefined }): T {
  const layers: Record<string, unknown>[] = [];
  if (opts.stderrIsTTY) layers.push({ log: { pretty: true } });
  if (opts.file) layers.push(readYamlConfig(opts.file, configError));
  if (opts.flags) layers.push(opts.flags as Record<string, unknown>);
  const merged = layers.reduce((acc, l) => mergeLayers(acc, l), {} as Record<string, unknown>);
  return parseConfig(schema, merged, configError);
}

export interface LoadConfigOptions {
  /** YAML config file; its values override the defaults. */
  file?: string;
  /** Values from command-line flags; they override the file. Undefined values are ignored. */
  flags?: ConfigOverrides;
  controllerNames: readonly string[];
  /** Base for relative paths. Default process.cwd(). */
  cwd?: string;
  /** Makes pretty logs the default (still overridable by file and flags). */
  stderrIsTTY?: boolean;
}

/** A config problem the user must fix; the CLI prints its message without a stack. */
export class ConfigError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const configError = (message: string): Error => new ConfigError(message);

/**
 * Builds the effective config: defaults < YAML file < flags. Paths come back absolute, the
 * result is deep-frozen, and any bad field is reported as `config: <path>: <problem>`.
 */
export function loadConfig(opts: LoadConfigOptions): ServerConfig {
  const data = parseLayers(serverConfigSchema(opts.controllerNames), opts);
  const cfg = data as unknown as { apiserver: { dataDir: string }; storage: { path: string } };
  const cwd = opts.cwd ?? process.cwd();
  cfg.apiserver.dataDir = resolve(cwd, cfg.apiserver.dataDir);
  cfg.storage.path = cfg.storage.path ? resolve(cwd, cfg.storage.path) : join(cfg.apiserver.dataDir, 'state.db');
  return deepFreeze(data as unknown as ServerConfig);
}

/** The `<name>: boolean` switches of the controllers section. */
export function enabledControllers(cfg: ServerConfig): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(cfg.controllers)) if (typeof v === 'boolean') out[k] = v;
  return out;
}

/** `kedge server --print-default-config`: the defaults as YAML (no file, no flags). */
export function defaultConfig(controllerNames: readonly string[]): unknown {
  return serverConfigSchema(controllerNames).parse({});
}
