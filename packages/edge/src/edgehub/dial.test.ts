import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { dialCloudHub, UpgradeRefusedError } from './dial.js';
import { createTestPki, type TestPki } from './test-helpers.js';

describe('dialCloudHub', () => {
  let pki: TestPki;
  let server: https.Server;
  let port = 0;
  before(async () => {
    pki = await createTestPki('edge-1');
    server = https.createServer({ ca: pki.caPem, cert: pki.server.certPem, key: pki.server.keyPem, requestCert: true, rejectUnauthorized: true });
    // Refuses every upgrade the way CloudHub does, with the reason as a text body.
    server.on('upgrade', (_req, socket) => {
      const body = 'node "edge-1" is revoked\n';
      socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('rejects a refused upgrade with the status and the reason CloudHub gave', async () => {
    const err = await dialCloudHub(
      { server: `127.0.0.1:${port}`, nodeName: 'edge-1', projectId: 'p', tls: { caPem: pki.caPem, ...pki.client }, handshakeTimeoutMs: 3000, maxPayload: 1 << 20 },
      new AbortController().signal,
    ).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof UpgradeRefusedError, String(err));
    assert.equal(err.status, 403);
    assert.equal(err.reason, 'node "edge-1" is revoked');
    assert.match(err.message, /refused the connection: 403 Forbidden: node "edge-1" is revoked/);
  });
});
