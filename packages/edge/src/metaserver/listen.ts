import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger, Module } from '@kedge/core';
import type { MetaServer } from './meta-server.js';
import { untilAborted } from '@kedge/core';

export interface MetaServerModuleOptions {
  server: MetaServer;
  log: Logger;
  /** KubeEdge's default: plain HTTP on loopback only. */
  host?: string;
  port?: number;
  onListening?: (addr: AddressInfo) => void;
}

/** Serves the MetaServer until the signal aborts; a failure to bind rejects start() (fatal for the process). */
export function metaServerModule(opts: MetaServerModuleOptions): Module {
  const log = opts.log.child({ module: 'metaserver' });
  return {
    name: 'metaserver',
    async start(signal: AbortSignal) {
      const srv = http.createServer((req, res) => opts.server.handleRequest(req, res));
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(opts.port ?? 10550, opts.host ?? '127.0.0.1', () => {
          srv.off('error', reject);
          resolve();
        });
      });
      const addr = srv.address() as AddressInfo;
      log.info({ host: addr.address, port: addr.port }, 'metaserver listening');
      opts.onListening?.(addr);
      await untilAborted(signal);
      opts.server.close();
      srv.closeAllConnections();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    },
  };
}
