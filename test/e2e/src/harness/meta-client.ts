import { request } from 'node:http';

export interface MetaResponse { status: number; json: any; text: string }
export interface MetaWatchEvent { type: string; object: any }
export interface MetaWatch {
  events: MetaWatchEvent[];
  ended: Promise<string>;
  close(): void;
}

export interface MetaClient {
  get(path: string, timeoutMs?: number): Promise<MetaResponse>;
  /** `path` must carry `watch=true`; events are collected in order. */
  watch(path: string): Promise<MetaWatch>;
}

/** Plain HTTP helpers against an edge's MetaServer (the local, read-only Kubernetes API). */
export function metaServer(edge: { metaUrl: string }): MetaClient {
  return {
    get(path, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const req = request(new URL(path, edge.metaUrl), { method: 'GET', timeout: timeoutMs, headers: { Accept: 'application/json' } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d));
          res.on('end', () => {
            let json: any;
            try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
            resolve({ status: res.statusCode ?? 0, json, text });
          });
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end();
      });
    },
    watch(path) {
      return new Promise((resolve, reject) => {
        const req = request(new URL(path, edge.metaUrl), { method: 'GET', agent: false, headers: { Accept: 'application/json' } }, (res) => {
          if (res.statusCode !== 200) {
            let text = '';
            res.setEncoding('utf8').on('data', (d: string) => (text += d));
            res.on('end', () => reject(new Error(`watch ${path}: HTTP ${res.statusCode}: ${text}`)));
            return;
          }
          const events: MetaWatchEvent[] = [];
          let buf = '';
          let done!: (why: string) => void;
          const ended = new Promise<string>((r) => (done = r));
          res.setEncoding('utf8').on('data', (d: string) => {
            buf += d;
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl).trim();
              buf = buf.slice(nl + 1);
              if (line) events.push(JSON.parse(line) as MetaWatchEvent);
            }
          });
          res.on('end', () => done('end'));
          res.on('error', (err) => done(`error: ${err.message}`));
          res.on('close', () => done('close'));
          resolve({ events, ended, close: () => req.destroy() });
        });
        req.on('error', reject);
        req.end();
      });
    },
  };
}
