import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { silentLogger } from '@kedge/core';
import { createDashboard } from './dashboard.js';
import { FleetTracker } from './fleet-tracker.js';

interface Got { status: number; headers: IncomingMessage['headers']; body: string }

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', readUntil?: string): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        body += d;
        if (readUntil && body.includes(readUntil)) { resolve({ status: res.statusCode!, headers: res.headers, body }); req.destroy(); }
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function withDashboard(fn: (port: number, tracker: FleetTracker) => Promise<void>): Promise<void> {
  const tracker = new FleetTracker();
  const tokens = new Set(['good-token']);
  const dash = createDashboard({
    authenticator: { authenticate: (req) => (tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, '')) ? { name: 'admin' } : undefined) },
    tracker,
    log: silentLogger(),
  });
  const server = createServer((req, res) => { if (!dash.handle(req, res)) res.writeHead(418).end('api'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn((server.address() as AddressInfo).port, tracker);
  } finally {
    dash.close();
    tracker.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

test('serves the page and scripts with types, CSP and revalidation; leaves other paths to the API', async () => {
  await withDashboard(async (port) => {
    const page = await get(port, '/dashboard/');
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.match(page.body, /<script type="module" src="js\/main\.js">/);
    const js = await get(port, '/dashboard/js/main.js');
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    const again = await get(port, '/dashboard/js/main.js', { 'If-None-Match': String(js.headers.etag) });
    assert.equal(again.status, 304);
    assert.equal((await get(port, '/dashboard/app.css')).headers['content-type'], 'text/css; charset=utf-8');
    assert.equal((await get(port, '/dashboard')).status, 308);
    assert.equal((await get(port, '/dashboard/../package.json')).status, 404);
    assert.equal((await get(port, '/dashboard/%2e%2e/package.json')).status, 404);
    assert.equal((await get(port, '/dashboard/nope.js')).status, 404);
    assert.equal((await get(port, '/dashboard/app.css', {}, 'POST')).status, 405);
    assert.equal((await get(port, '/api/v1/nodes')).status, 418);
  });
});

test('the fleet feed needs the same authentication as the API', async () => {
  await withDashboard(async (port, tracker) => {
    const anon = await get(port, '/dashboard/api/fleet');
    assert.equal(anon.status, 401);
    assert.equal(JSON.parse(anon.body).reason, 'Unauthorized');
    assert.equal((await get(port, '/dashboard/api/fleet', { Authorization: 'Bearer wrong' })).status, 401);
    tracker.record('edge-1', 'connected', Date.now() - 1000);
    const ok = await get(port, '/dashboard/api/fleet', { Authorization: 'Bearer good-token' }, 'GET', '\n\n');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['content-type'], 'text/event-stream; charset=utf-8');
    const m = /^event: snapshot\ndata: (.*)\n\n/.exec(ok.body);
    assert.ok(m, ok.body);
    const snap = JSON.parse(m[1]!);
    assert.equal(snap.nodes[0].node, 'edge-1');
    assert.equal(snap.nodes[0].connected, true);
  });
});
