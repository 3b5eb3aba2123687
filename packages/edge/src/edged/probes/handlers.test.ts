import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { CriClient } from '../../cri/index.js';
import { runProbe, type ProbeTarget } from './handlers.js';

const noCri = {} as CriClient;

async function listen<T extends net.Server>(srv: T): Promise<number> {
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return (srv.address() as AddressInfo).port;
}

test('httpGet: podIP as host, named port, path and headers; 2xx/3xx pass, others fail with the status code', async () => {
  const seen: Array<{ url?: string; probe?: string; ua?: string }> = [];
  const srv = http.createServer((req, res) => {
    seen.push({ url: req.url, probe: req.headers['x-probe'] as string, ua: req.headers['user-agent'] });
    res.statusCode = req.url === '/ok' ? 200 : req.url === '/moved' ? 302 : 503;
    res.end('body');
  });
  const port = await listen(srv);
  try {
    const t: ProbeTarget = { cri: noCri, containerId: 'x', podIP: '127.0.0.1', ports: [{ name: 'web', containerPort: port }] };
    const ok = await runProbe({ httpGet: { path: '/ok', port: 'web', httpHeaders: [{ name: 'X-Probe', value: 'v' }] } }, t);
    assert.deepEqual(ok, { ok: true, output: 'body' });
    assert.deepEqual(seen[0], { url: '/ok', probe: 'v', ua: 'kube-probe/1.32' });
    assert.equal((await runProbe({ httpGet: { path: 'moved', port } }, t)).ok, true);
    assert.deepEqual(await runProbe({ httpGet: { path: '/bad', port } }, t), { ok: false, output: 'HTTP probe failed with statuscode: 503' });
    const named = await runProbe({ httpGet: { port: 'nope' } }, t);
    assert.equal(named.ok, false);
    assert.match(named.output, /couldn't find port "nope"/);
  } finally {
    srv.close();
  }
});

test('tcpSocket: a listener passes, a closed port fails with the dial error', async () => {
  const srv = net.createServer((s) => s.end());
  const port = await listen(srv);
  const t: ProbeTarget = { cri: noCri, containerId: 'x', podIP: '127.0.0.1', ports: [] };
  try {
    assert.equal((await runProbe({ tcpSocket: { port } }, t)).ok, true);
  } finally {
    await new Promise((r) => srv.close(r));
  }
  const closed = await runProbe({ tcpSocket: { port } }, t);
  assert.equal(closed.ok, false);
  assert.match(closed.output, new RegExp(`^dial tcp 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  assert.deepEqual(await runProbe({}, t), { ok: false, output: 'probe has no handler (exec, httpGet or tcpSocket)' });
});
