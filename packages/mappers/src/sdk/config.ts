import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/** What runMapper needs. */
export interface MapperConfig {
  name: string;
  version: string;
  apiVersion: string;
  protocol: string;
  /** This mapper's DeviceMapperService socket. */
  socket: string;
  /** EdgeCore's DMI socket. */
  dmiSocket: string;
  /** REST API port; 0 picks a free one; -1 disables it. Default 7777 (KubeEdge's). */
  restPort: number;
  /** REST API address. Default 127.0.0.1. */
  restBind: string;
}

/** A config problem: the message names the field. */
export class MapperConfigError extends Error {
  readonly isUserError = true;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const port = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]).pipe(z.number().int().min(-1).max(65535));

/** KubeEdge mapper-framework's config.yaml (`grpc_server`, `common`), unknown keys ignored as Go's yaml does. */
const fileSchema = z.object({
  grpc_server: z.object({ socket_path: z.string().min(1).optional() }).optional(),
  common: z.object({
    name: z.string().min(1).optional(),
    version: z.string().optional(),
    api_version: z.string().optional(),
    protocol: z.string().min(1).optional(),
    address: z.string().optional(),
    edgecore_sock: z.string().min(1).optional(),
    http_port: port.optional(),
  }).optional(),
});

export type MapperConfigOverrides = Partial<MapperConfig>;

const issuePath = (p: PropertyKey[]): string => p.map(String).join('.');

/** Defaults < YAML file < overrides (flags). Relative paths resolve against `cwd`. */
export function loadMapperConfig(opts: { file?: string; overrides?: MapperConfigOverrides; defaults: Pick<MapperConfig, 'protocol' | 'dmiSocket'>; cwd?: string }): MapperConfig {
  const cwd = opts.cwd ?? process.cwd();
  let file: z.infer<typeof fileSchema> = {};
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (err) {
      throw new MapperConfigError(`config: ${opts.file}: ${(err as Error).message}`);
    }
    const r = fileSchema.safeParse(parse(text) ?? {});
    if (!r.success) {
      const i = r.error.issues[0]!;
      throw new MapperConfigError(`config: ${opts.file}: ${issuePath(i.path)}: ${i.message}`);
    }
    file = r.data;
  }
  const c = file.common ?? {};
  const protocol = opts.overrides?.protocol ?? c.protocol ?? opts.defaults.protocol;
  const merged: MapperConfig = {
    name: opts.overrides?.name ?? c.name ?? `${protocol}-mapper`,
    version: opts.overrides?.version ?? c.version ?? 'v1.0.0',
    apiVersion: opts.overrides?.apiVersion ?? c.api_version ?? 'v1.0.0',
    protocol,
    socket: opts.overrides?.socket ?? file.grpc_server?.socket_path ?? '',
    dmiSocket: opts.overrides?.dmiSocket ?? c.edgecore_sock ?? opts.defaults.dmiSocket,
    restPort: opts.overrides?.restPort ?? c.http_port ?? 7777,
    restBind: opts.overrides?.restBind ?? '127.0.0.1',
  };
  if (c.protocol && opts.overrides?.protocol === undefined && c.protocol !== opts.defaults.protocol) {
    throw new MapperConfigError(`config: common.protocol: "${c.protocol}" does not match this mapper's protocol "${opts.defaults.protocol}"`);
  }
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/i.test(merged.name)) throw new MapperConfigError(`config: common.name: "${merged.name}" is not a valid mapper name`);
  if (!Number.isInteger(merged.restPort) || merged.restPort < -1 || merged.restPort > 65535) throw new MapperConfigError(`config: common.http_port: ${merged.restPort} is not a port`);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  merged.dmiSocket = abs(merged.dmiSocket.replace(/^unix:\/\//, ''));
  // Next to EdgeCore's socket, as KubeEdge's /etc/kubeedge/<name>.sock sits next to dmi.sock.
  merged.socket = merged.socket ? abs(merged.socket.replace(/^unix:\/\//, '')) : resolve(merged.dmiSocket, '..', `${merged.name}.sock`);
  return merged;
}
