import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { checkPorts } from './ports.js';

test('a taken port is named with its user and the flag to change', async (t) => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  t.after(() => s.close());
  const port = (s.address() as AddressInfo).port;
  await assert.rejects(checkPorts([{ port, what: 'API server', flag: '--port' }]), (err: Error) => {
    assert.match(err.message, new RegExp(`port ${port} \\(API server\\) is already in use; choose another with --port`));
    return true;
  });
});

test('free ports and port 0 pass; the same port twice is refused', async () => {
  await checkPorts([{ port: 0, what: 'a', flag: '--a' }, { port: 0, what: 'b', flag: '--b' }]);
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  await checkPorts([{ port, what: 'a', flag: '--a' }]);
  await assert.rejects(checkPorts([{ port, what: 'API server', flag: '--port' }, { port, what: 'CloudHub', flag: '--cloudhub-port' }]), /given to both the API server \(--port\) and the CloudHub \(--cloudhub-port\)/);
});
