import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** The page may load only its own files and talk only to its own origin (brief: CSP default-src 'self'). */
export const CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // The token travels in the fragment, which is never sent; this also keeps paths out of other sites' logs.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
}

/** The package root (…/packages/dashboard), from this compiled file in dist/. */
export const packageRoot = fileURLToPath(new URL('../', import.meta.url));

export interface StaticRoots {
  /** Hand-written assets (index.html, CSS). */
  assets: string;
  /** Browser modules compiled by tsc (web/ → dist/web/), served under js/. */
  scripts: string;
}

export const defaultRoots: StaticRoots = { assets: join(packageRoot, 'static'), scripts: join(packageRoot, 'dist', 'web') };

/**
 * Resolves a path below the dashboard prefix to a file, or undefined if it is not one of ours:
 * `` → index.html, `js/x.js` → compiled scripts, anything else → assets. Refuses `..`, absolute
 * paths, backslashes, NUL and dot-files, and re-checks that the result stays under its root.
 */
export function resolveAsset(rel: string, roots: StaticRoots = defaultRoots): string | undefined {
  let decoded: string;
  try { decoded = decodeURIComponent(rel); } catch { return undefined; }
  if (decoded === '') decoded = 'index.html';
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.startsWith('/')) return undefined;
  const parts = decoded.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.startsWith('.'))) return undefined;
  if (!TYPES[extname(decoded)]) return undefined;
  const [root, sub] = parts[0] === 'js' ? [roots.scripts, parts.slice(1)] : [roots.assets, parts];
  if (!sub.length) return undefined;
  const file = normalize(join(root, ...sub));
  if (!file.startsWith(normalize(root) + sep)) return undefined;
  return file;
}

export function contentType(file: string): string {
  return TYPES[extname(file)] ?? 'application/octet-stream';
}

interface Cached { mtimeMs: number; size: number; body: Buffer; etag: string }

/** Serves files with ETags; `Cache-Control: no-cache` because names carry no content hash (revalidate, get 304). */
export function createStaticServer(roots: StaticRoots = defaultRoots) {
  const cache = new Map<string, Cached>();
  const load = (file: string): Cached | undefined => {
    let st;
    try { st = statSync(file); } catch { return undefined; }
    if (!st.isFile()) return undefined;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
    const body = readFileSync(file);
    const c = { mtimeMs: st.mtimeMs, size: st.size, body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
    cache.set(file, c);
    return c;
  };
  return {
    /** Answers GET/HEAD for `rel` (the path below the prefix); false when no such asset exists. */
    serve(rel: string, req: IncomingMessage, res: ServerResponse): boolean {
      const file = resolveAsset(rel, roots);
      const c = file ? load(file) : undefined;
      if (!file || !c) return false;
      securityHeaders(res);
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('ETag', c.etag);
      res.setHeader('Content-Type', contentType(file));
      if (req.headers['if-none-match'] === c.etag) { res.writeHead(304).end(); return true; }
      res.setHeader('Content-Length', c.body.length);
      res.writeHead(200);
      res.end(req.method === 'HEAD' ? undefined : c.body);
      return true;
    },
  };
}
