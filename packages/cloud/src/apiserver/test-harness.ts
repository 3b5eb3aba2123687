import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@kedge/core';
import { MemoryBackend } from '../storage/memory/memory-backend.js';
import type { Backend } from '../storage/types.js';
import { createApiServer, type ApiServerExtras } from './server.js';
import type { ApiServer, ApiServerOptions } from './types.js';

export interface TestResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

export interface TestServer {
  port: number;
  backend: Backend;
  api: ApiServer;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  /** Opens a watch and collects its JSON lines. */
  watch(path: string, headers?: Record<string, string>): TestWatch;
  close(): Promise<void>;
}

export interface TestWatch {
  events: any[];
  /** Resolves once `n` events arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<any[]>;
  ended: Promise<void>;
  status: Promise<number>;
  close(): void;
}

/** An API server on 127.0.0.1:0 over plain HTTP, memory storage, everyone authenticated (TLS is tested elsewhere). */
export async function startTestServer(extra: Partial<ApiServerOptions> & ApiServerExtras = {}): Promise<TestServer> {
  const log = silentLogger();
  const backend = new MemoryBackend(log);
  await backend.open();
  const api = createApiServer({ backend, log, authenticator: { authenticate: () => ({ name: 'admin', groups: ['system:masters'] }) }, compactIntervalMs: 0, ...extra });
  const ac = new AbortController();
  const started = api.start(ac.signal);
  await api.ready();
  const server = http.createServer((req, res) => api.handleRequest(req, res));
  server.on('upgrade', (req, socket, head) => api.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true });

  function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<TestResponse> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { ...(data ? { 'Content-Type': 'application/json', 'Content-Length': String(data.length) } : {}), ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try { json = JSON.parse(text); } catch { json = undefined; }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      });
      req.setTimeout(10_000, () => req.destroy(new Error(`request timeout ${method} ${path}`)));
      req.on('error', reject);
      req.end(data);
    });
  }

  const openWatches = new Set<TestWatch>();
  function watch(path: string, headers: Record<string, string> = {}): TestWatch {
    const events: any[] = [];
    const waiters: Array<() => void> = [];
    let buf = '';
    let req: http.ClientRequest;
    let resolveStatus!: (n: number) => void;
    const status = new Promise<number>((r) => { resolveStatus = r; });
    const ended = new Promise<void>((resolveEnd) => {
      req = http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
        resolveStatus(res.statusCode ?? 0);
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (line.trim()) events.push(JSON.parse(line));
          }
          for (const w of waiters.splice(0)) w();
        });
        res.on('end', () => resolveEnd());
        res.on('close', () => resolveEnd());
        res.on('error', () => resolveEnd());
      });
      req.on('error', () => resolveEnd());
    });
    const w: TestWatch = {
      events,
      ended,
      status,
      waitFor(n: number, timeoutMs = 5000): Promise<any[]> {
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} watch events on ${path}; got ${JSON.stringify(events)}`)), timeoutMs);
          const check = (): void => {
            if (events.length >= n) {
              clearTimeout(timer);
              resolve(events);
            } else waiters.push(check);
          };
          check();
        });
      },
      close: () => { req.destroy(); openWatches.delete(w); },
    };
    openWatches.add(w);
    return w;
  }

  return {
    port, backend, api, request, watch,
    async close() {
      for (const w of [...openWatches]) w.close();
      ac.abort();
      await started;
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await backend.close();
    },
  };
}
