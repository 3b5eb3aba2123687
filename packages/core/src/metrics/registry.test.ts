import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../log/logger.js';
import { Counter, createMetricsRegistry, metricsServerModule } from './registry.js';

function get(port: number, path: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    }).on('error', reject).end();
  });
}

test('registries are separate per component and served on /metrics', async () => {
  const a = createMetricsRegistry('kedge_cloud');
  const b = createMetricsRegistry('kedge_edge');
  const c = new Counter({ name: 'kedge_test_total', help: 'test counter', labelNames: ['kind'], registers: [a] });
  c.inc({ kind: 'x' }, 3);
  const ac = new AbortController();
  let port = 0;
  const listening = new Promise<void>((r) => {
    void metricsServerModule({ registry: a, host: '127.0.0.1', port: 0, log: silentLogger(), onListening: (addr: AddressInfo) => { port = addr.port; r(); } }).start(ac.signal);
  });
  await listening;
  try {
    const r = await get(port, '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.type, /text\/plain/);
    assert.match(r.body, /kedge_test_total\{kind="x"\} 3/);
    assert.match(r.body, /kedge_cloud_process_resident_memory_bytes/);
    assert.doesNotMatch(await b.metrics(), /kedge_test_total/);
    assert.equal((await get(port, '/other')).status, 404);
  } finally {
    ac.abort();
  }
});
