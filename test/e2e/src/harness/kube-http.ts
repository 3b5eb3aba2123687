import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface KubeConn { server: string; ca: string; cert: string; key: string }

/** Reads the first cluster and user of a kubeconfig written by `kedge server` (embedded data fields). */
export function readKubeconfig(path: string): KubeConn {
  const kc = parse(readFileSync(path, 'utf8'));
  const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  const cluster = kc.clusters[0].cluster;
  const user = kc.users[0].user;
  return { server: cluster.server, ca: b64(cluster['certificate-authority-data']), cert: b64(user['client-certificate-data']), key: b64(user['client-key-data']) };
}

export interface KubeResponse { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: any }

export interface WatchEvent { type: string; object: any }

export interface WatchHandle {
  /** Every event received so far, in order. */
  events: WatchEvent[];
  /** Resolves when the stream ends (server closed it or `close()` was called), with the reason. */
  ended: Promise<string>;
  close(): void;
}

/** A tiny typed-less REST client over the admin client certificate; keep-alive so loops stay cheap. */
export class KubeHttp {
  readonly agent: Agent;
  constructor(readonly conn: KubeConn) {
    this.agent = new Agent({ keepAlive: true, ca: conn.ca, cert: conn.cert, key: conn.key, maxSockets: 16 });
  }

  request(method: string, path: string, body?: unknown, contentType = 'application/json', timeoutMs = 15_000): Promise<KubeResponse> {
    const url = new URL(path, this.conn.server);
    const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    // Explicit Content-Length: Node neither chunks nor sizes DELETE bodies by default.
    return new Promise((resolve, reject) => {
      const req = request(url, { method, agent: this.agent, timeout: timeoutMs, headers: { Accept: 'application/json', ...(payload !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}) } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => {
          let json: any;
          try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  get(path: string): Promise<KubeResponse> { return this.request('GET', path); }

  /** Opens `path` (which must include `watch=true`) and collects newline-delimited events. */
  watch(path: string, onEvent?: (e: WatchEvent) => void): Promise<WatchHandle> {
    const url = new URL(path, this.conn.server);
    return new Promise((resolve, reject) => {
      // A dedicated connection: a watch must not hold a pooled keep-alive socket.
      const req = request(url, { method: 'GET', ca: this.conn.ca, cert: this.conn.cert, key: this.conn.key, agent: false, headers: { Accept: 'application/json' } }, (res) => {
        if (res.statusCode !== 200) {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d));
          res.on('end', () => reject(new Error(`watch ${path}: HTTP ${res.statusCode}: ${text}`)));
          return;
        }
        const events: WatchEvent[] = [];
        let buf = '';
        let endResolve!: (why: string) => void;
        const ended = new Promise<string>((r) => (endResolve = r));
        res.setEncoding('utf8').on('data', (d: string) => {
          buf += d;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            const e = JSON.parse(line) as WatchEvent;
            events.push(e);
            onEvent?.(e);
          }
        });
        res.on('end', () => endResolve('end'));
        res.on('error', (err) => endResolve(`error: ${err.message}`));
        res.on('close', () => endResolve('close'));
        resolve({ events, ended, close: () => req.destroy() });
      });
      req.on('error', reject);
      req.end();
    });
  }

  close(): void { this.agent.destroy(); }
}
