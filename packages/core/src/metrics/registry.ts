import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from '../log/logger.js';
import type { Module } from '../module/module.js';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One Prometheus registry per binary (issue 6), never prom-client's global one: two components in one
 * process (`kedge up` runs the cloud and an edge) keep separate registries, each with the process metrics.
 */
export function createMetricsRegistry(prefix: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: `${prefix}_` });
  return registry;
}

/** Answers GET /metrics from `registry`; anything else is 404. For mounting on an existing server. */
export async function serveMetrics(registry: Registry, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  try {
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${(err as Error).message}\n`);
  }
}

export interface MetricsServerOptions {
  registry: Registry;
  host: string;
  port: number;
  log: Logger;
  onListening?: (addr: AddressInfo) => void;
}

/** A plain-HTTP /metrics listener as a Module (the edge's; keep it on loopback, it has no authentication). */
export function metricsServerModule(o: MetricsServerOptions): Module {
  return {
    name: 'metrics',
    start: (signal) => new Promise<void>((resolve, reject) => {
      const server = createServer((req, res) => {
        if ((req.url ?? '').split('?')[0] !== '/metrics') {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; metrics are at /metrics\n');
          return;
        }
        void serveMetrics(o.registry, req, res);
      });
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        const addr = server.address() as AddressInfo;
        o.log.child({ module: 'metrics' }).info({ host: addr.address, port: addr.port }, 'metrics listening');
        o.onListening?.(addr);
      });
      const close = () => {
        server.close(() => resolve());
        server.closeAllConnections();
      };
      if (signal.aborted) close();
      else signal.addEventListener('abort', close, { once: true });
    }),
  };
}
