import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCA, issueCert } from '../pki/index.js';
import { createAuthenticator } from './auth.js';
import type { UserInfo } from './types.js';

describe('client certificate authentication', () => {
  it('CN is the user, O the groups; certificates from another CA are anonymous', async () => {
    const ca = await createCA('kedge-ca', 1);
    const other = await createCA('other-ca', 1);
    const serverCert = await issueCert({ ca, cn: 'kedge', ips: ['127.0.0.1'], days: 1, usage: 'server' });
    const alice = await issueCert({ ca, cn: 'alice', organizations: ['devs', 'ops'], days: 1, usage: 'client' });
    const mallory = await issueCert({ ca: other, cn: 'mallory', organizations: ['system:masters'], days: 1, usage: 'client' });
    const auth = createAuthenticator({ tokens: new Map(), caCertPem: ca.certPem });
    const seen: Array<UserInfo | undefined> = [];
    const server = https.createServer({ cert: serverCert.certPem, key: serverCert.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      seen.push(auth.authenticate(req));
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const call = (client?: { certPem: string; keyPem: string }) => new Promise<void>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port, path: '/', ca: ca.certPem, agent: false, ...(client ? { cert: client.certPem, key: client.keyPem } : {}) }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      }).on('error', reject);
    });
    try {
      await call(alice);
      await call(mallory);
      await call();
      assert.deepEqual(seen[0], { name: 'alice', groups: ['devs', 'ops', 'system:authenticated'] });
      assert.equal(seen[1], undefined);
      assert.equal(seen[2], undefined);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
