import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What EdgeCore remembers about a registered mapper (KubeEdge keeps this in its meta table, type devicemapper). */
export interface MapperRecord {
  name: string;
  version: string;
  apiVersion: string;
  protocol: string;
  /** The mapper's unix socket path. */
  address: string;
  /** What the mapper has been sent, by `ns/name` → content hash; level-triggered reconciliation compares against it. */
  devices: Record<string, string>;
  models: Record<string, string>;
}

/** Mapper records in one JSON file, rewritten atomically on change so an EdgeCore restart reconnects. */
export class MapperStore {
  readonly mappers = new Map<string, MapperRecord>();

  constructor(private readonly path: string) {
    if (!existsSync(path)) return;
    try {
      const list = JSON.parse(readFileSync(path, 'utf8')) as MapperRecord[];
      for (const m of Array.isArray(list) ? list : []) {
        if (m && typeof m.name === 'string' && typeof m.address === 'string') this.mappers.set(m.name, { ...m, devices: m.devices ?? {}, models: m.models ?? {} });
      }
    } catch {
      // A torn or foreign file: start empty; mappers re-register when they next reconnect.
    }
  }

  save(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify([...this.mappers.values()], null, 1), { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}
