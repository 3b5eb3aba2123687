import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@kedge/core';
import { FleetTracker } from './fleet-tracker.js';
import { streamFleet } from './fleet-stream.js';
import { createStaticServer, defaultRoots, securityHeaders, type StaticRoots } from './static-files.js';

/** The API server's authenticator (structurally; @kedge/cloud is not a dependency of this package). */
export interface DashboardAuthenticator {
  authenticate(req: IncomingMessage): unknown;
}

export interface DashboardOptions {
  /** Same authentication as the API: bearer token or client certificate. */
  authenticator: DashboardAuthenticator;
  /** Connection history and queue depths; without CloudCore it stays empty. */
  tracker: FleetTracker;
  log: Logger;
  /** URL prefix, with leading and trailing slash. Default `/dashboard/`. */
  prefix?: string;
  /** Where the assets live; the package's own by default (tests point it elsewhere). */
  roots?: StaticRoots;
}

export interface Dashboard {
  /** Handles requests under the prefix and returns true; returns false for anything else (the API's). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Ends open fleet streams (shutdown). */
  close(): void;
}

function status(res: ServerResponse, code: number, reason: string, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers }).end(body);
}

/** The web dashboard (issue 6): static page + scripts, and the fleet SSE feed. Everything else the page reads comes from the Kubernetes API. */
export function createDashboard(opts: DashboardOptions): Dashboard {
  const prefix = opts.prefix ?? '/dashboard/';
  const log = opts.log.child({ module: 'dashboard' });
  const files = createStaticServer(opts.roots ?? defaultRoots);
  const open = new Set<ServerResponse>();
  const bare = prefix.slice(0, -1);
  return {
    handle(req, res) {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === bare) {
        securityHeaders(res);
        res.writeHead(308, { Location: prefix }).end();
        return true;
      }
      if (!path.startsWith(prefix)) return false;
      const rel = path.slice(prefix.length);
      if (rel === 'api/fleet') {
        if (req.method !== 'GET') { status(res, 405, 'MethodNotAllowed', 'only GET is allowed', { Allow: 'GET' }); return true; }
        if (!opts.authenticator.authenticate(req)) { status(res, 401, 'Unauthorized', 'Unauthorized'); return true; }
        streamFleet(opts.tracker, req, res, log, open);
        return true;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') { status(res, 405, 'MethodNotAllowed', 'only GET and HEAD are allowed', { Allow: 'GET, HEAD' }); return true; }
      if (files.serve(rel, req, res)) return true;
      securityHeaders(res);
      status(res, 404, 'NotFound', `no dashboard file ${JSON.stringify(rel)}`);
      return true;
    },
    close() {
      for (const res of open) res.end();
      open.clear();
    },
  };
}
