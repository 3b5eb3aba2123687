import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInformerFactory, createKubeClient, loadKubeconfig, silentLogger } from '@kedge/core';
import { readTokenFromSecret } from '../certserver/index.js';
import { loadConfig } from '../server/config.js';
import { isUserError } from '../server/errors.js';
import { runServer } from '../server/run-server.js';
import { cloudcoreSchema } from './config.js';
import { runCloudCore } from './run-cloud-core.js';

function waitLine(lines: string[], re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      for (const l of lines) {
        const m = l.match(re);
        if (m) return resolve(m);
      }
      if (Date.now() > end) return reject(new Error(`no line ${re} within ${timeoutMs} ms: ${lines.join(' | ')}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, { rejectUnauthorized: false, timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

test('runServer runs CloudCore in-process over its loopback client and stops cleanly', { timeout: 60_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kedge-cc-run-'));
  const ac = new AbortController();
  t.after(() => {
    ac.abort();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const cfg = loadConfig({
    controllerNames: [],
    flags: { apiserver: { port: 0, dataDir }, storage: { type: 'memory' }, cloudcore: { cloudHub: { port: 0, bind: '127.0.0.1' }, certServer: { port: 0, bind: '127.0.0.1' } } },
  });
  const lines: string[] = [];
  const running = runServer(cfg, silentLogger(), ac.signal, (l) => lines.push(l));
  running.catch(() => {});
  const hub = await waitLine(lines, /^cloudhub listening on wss:\/\/(127\.0\.0\.1:\d+)$/, 30_000);
  const certs = await waitLine(lines, /^certificate server listening on (https:\/\/127\.0\.0\.1:\d+)$/, 30_000);
  assert.equal(await status(`https://${hub[1]}/`), 426, 'plain https on CloudHub is told to upgrade');
  assert.equal(await status(`${certs[1]}/ca.crt`), 200);
  assert.equal(await status(`${certs[1]}/node/nosuch`), 404);

  const client = createKubeClient(loadKubeconfig(join(dataDir, 'kubeconfig.yaml')));
  assert.match(await readTokenFromSecret(client), /^[0-9a-f]{64}\./);

  // A second CloudCore on the same hub port fails at startup with the operator-facing message.
  const port = Number(hub[1]!.split(':')[1]);
  const second = cloudcoreSchema.parse({ cloudHub: { port, bind: '127.0.0.1' }, certServer: { port: 0, bind: '127.0.0.1' } });
  const ac2 = new AbortController();
  const err = await runCloudCore(second, { client, informers: createInformerFactory(client, silentLogger()), log: silentLogger() }, ac2.signal).then(() => undefined, (e: unknown) => e);
  assert.ok(isUserError(err), String(err));
  assert.equal((err as Error).message, `port ${port} is already in use; choose another with --cloudhub-port`);

  const t0 = Date.now();
  ac.abort();
  await running;
  assert.ok(Date.now() - t0 < 10_000, 'shutdown is prompt');
  await assert.rejects(status(`https://${hub[1]}/`), /ECONNREFUSED/, 'CloudHub stopped listening');
});
