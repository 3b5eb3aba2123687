import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@kedge/core';
import type { FleetTracker } from './fleet-tracker.js';

/** How often a comment line keeps proxies and idle timers from closing the stream. */
const KEEPALIVE_MS = 15_000;

/**
 * `/dashboard/api/fleet`: server-sent events. `snapshot` (every tracked node, and whether CloudCore
 * runs here) once, then `nodes` with the nodes whose state changed. The browser reads it with fetch so
 * it can send the Authorization header (EventSource cannot).
 */
export function streamFleet(tracker: FleetTracker, req: IncomingMessage, res: ServerResponse, log: Logger, open: Set<ServerResponse>): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    // Nothing buffers between us and the browser, but a reverse proxy in front would (nginx honours this).
    'X-Accel-Buffering': 'no',
  });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  tracker.sample();
  send('snapshot', { cloudcore: tracker.attached, now: Date.now(), nodes: tracker.snapshot() });
  const unsubscribe = tracker.subscribe((nodes) => send('nodes', { now: Date.now(), nodes }));
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  keepalive.unref();
  open.add(res);
  const done = () => {
    clearInterval(keepalive);
    unsubscribe();
    open.delete(res);
  };
  res.on('close', done);
  req.on('error', (err) => log.debug({ err: err.message }, 'fleet stream request error'));
}
