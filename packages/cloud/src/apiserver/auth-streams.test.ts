import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@kedge/core';
import { MemoryBackend } from '../storage/memory/memory-backend.js';
import { createAuthenticator } from './auth.js';
import { createApiServer } from './server.js';
import { startTestServer } from './test-harness.js';
import type { PodExecOptions, PodLogOptions, PodStreamer } from './types.js';

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any; text: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => {
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    }).on('error', reject);
  });
}

describe('apiserver authentication', () => {
  it('bearer tokens authenticate; anonymous gets 401 except health and version', async () => {
    const log = silentLogger();
    const backend = new MemoryBackend(log);
    await backend.open();
    const authenticator = createAuthenticator({ tokens: new Map([['s3cret', { name: 'alice', groups: ['devs'] }]]) });
    const api = createApiServer({ backend, log, authenticator, compactIntervalMs: 0 });
    const ac = new AbortController();
    const started = api.start(ac.signal);
    await api.ready();
    const server = http.createServer((req, res) => api.handleRequest(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const anon = await get(port, '/api/v1/namespaces');
      assert.equal(anon.status, 401);
      assert.equal(anon.json.reason, 'Unauthorized');
      assert.equal((await get(port, '/api/v1/namespaces', { Authorization: 'Bearer wrong' })).status, 401);
      const ok = await get(port, '/api/v1/namespaces', { Authorization: 'Bearer s3cret' });
      assert.equal(ok.status, 200);
      for (const p of ['/healthz', '/livez', '/readyz', '/version']) assert.equal((await get(port, p)).status, 200, p);
      const user = authenticator.authenticate({ headers: { authorization: 'Bearer s3cret' }, socket: {} } as never);
      assert.deepEqual(user, { name: 'alice', groups: ['devs', 'system:authenticated'] });
    } finally {
      ac.abort();
      await started;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await backend.close();
    }
  });
});

describe('apiserver pod streams', () => {
  it('routes pods/log and pods/exec (WebSocket upgrade) to the PodStreamer after checking the pod', async () => {
    const calls: Array<{ kind: string; nodeName: string; opts: PodLogOptions | PodExecOptions }> = [];
    const streamer: PodStreamer = {
      async logs(pod, opts, res) {
        calls.push({ kind: 'logs', nodeName: pod.nodeName, opts });
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('hello from the edge\n');
      },
      async exec(pod, opts, _req, socket) {
        calls.push({ kind: 'exec', nodeName: pod.nodeName, opts });
        socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      },
    };
    const s = await startTestServer({ podStreamer: streamer });
    try {
      await s.request('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'p' }, spec: { nodeName: 'edge-1', containers: [{ name: 'c', image: 'busybox' }] } });
      const log = await s.request('GET', '/api/v1/namespaces/default/pods/p/log?container=c&follow=true&tailLines=5');
      assert.equal(log.status, 200);
      assert.equal(log.text, 'hello from the edge\n');
      assert.deepEqual(calls[0], { kind: 'logs', nodeName: 'edge-1', opts: { container: 'c', follow: true, previous: false, timestamps: false, tailLines: 5 } });
      const badContainer = await s.request('GET', '/api/v1/namespaces/default/pods/p/log?container=zz');
      assert.equal(badContainer.status, 400);
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1', port: s.port, path: '/api/v1/namespaces/default/pods/p/exec?command=ls&command=-l&stdout=true&stderr=true',
          headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' },
        });
        req.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode ?? 0); });
        req.on('response', (res) => resolve(res.statusCode ?? 0));
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 101);
      assert.deepEqual(calls[1], { kind: 'exec', nodeName: 'edge-1', opts: { command: ['ls', '-l'], stdin: false, stdout: true, stderr: true, tty: false } });
      const missing = await new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: s.port, path: '/api/v1/namespaces/default/pods/nope/exec?command=ls', headers: { Connection: 'Upgrade', Upgrade: 'websocket' } });
        req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
        req.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode ?? 0); });
        req.on('error', reject);
        req.end();
      });
      assert.equal(missing, 404);
    } finally {
      await s.close();
    }
  });
});
