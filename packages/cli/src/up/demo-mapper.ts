import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@kedge/core';
import { loadMapperConfig, runMapper, virtualFactory } from '@kedge/mappers';

export interface DemoMapperOptions {
  /** EdgeCore's DMI socket. */
  dmiSocket: string;
  /** Where the mapper's own socket lives. */
  dataDir: string;
  restPort: number;
  log: Logger;
  signal: AbortSignal;
}

/** The virtual mapper `kedge up` runs for its demo device, in-process (same code as `kedge mapper virtual`). */
export async function startDemoMapper(o: DemoMapperOptions): Promise<void> {
  const config = loadMapperConfig({
    overrides: { name: 'demo-virtual-mapper', socket: join(o.dataDir, 'virtual.sock'), dmiSocket: o.dmiSocket, restPort: o.restPort },
    defaults: { protocol: virtualFactory.protocol, dmiSocket: o.dmiSocket },
  });
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  await runMapper({ factory: virtualFactory, config, log: o.log, signal: o.signal });
}
