import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KubeHttp, readKubeconfig, startKedgeServer, waitFor, type WatchEvent } from './harness/index.js';

const NS = '/api/v1/namespaces/default/configmaps';
const cm = (name: string, v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v } });
const rv = (e: WatchEvent) => Number(e.object.metadata.resourceVersion);
const summary = (es: WatchEvent[]) => es.map((e) => `${e.type} ${e.object.metadata.name}=${e.object.data?.v} @${e.object.metadata.resourceVersion}`);

test('a watch resumes from its last resourceVersion across a SIGTERM restart', { timeout: 90_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kedge-restart-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startKedgeServer({ dataDir, extraArgs: ['--log-level', 'warn'], t });
  let http = new KubeHttp(readKubeconfig(server.kubeconfig));
  t.after(() => http.close());
  const caBefore = readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8');
  const connBefore = readKubeconfig(server.kubeconfig);

  const a = await http.request('POST', NS, cm('a', '1'));
  assert.equal(a.status, 201, a.text);
  const startRV = a.json.metadata.resourceVersion as string;
  const w1 = await http.watch(`${NS}?watch=true&resourceVersion=${startRV}`);
  const b = await http.request('POST', NS, cm('b', '1'));
  assert.equal(b.status, 201, b.text);
  const a2 = await http.request('PUT', `${NS}/a`, { ...a.json, data: { v: '2' } });
  assert.equal(a2.status, 200, a2.text);
  await waitFor(() => w1.events.length >= 2, { timeoutMs: 10_000, message: 'two events before the restart' });
  assert.deepEqual(summary(w1.events), [`ADDED b=1 @${b.json.metadata.resourceVersion}`, `MODIFIED a=2 @${a2.json.metadata.resourceVersion}`]);
  const lastRV = rv(w1.events.at(-1)!);

  // SIGTERM mid-watch: the stream must end (not hang) and the server must exit cleanly.
  const stopCode = await server.restart();
  assert.equal(stopCode, 0, 'clean exit on SIGTERM with a watch open');
  const why = await Promise.race([w1.ended, new Promise<string>((r) => setTimeout(() => r('still open'), 5_000))]);
  assert.notEqual(why, 'still open', 'the watch stream ends when the server stops');

  assert.equal(readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8'), caBefore, 'same CA after a restart');
  const connAfter = readKubeconfig(server.kubeconfig);
  assert.equal(connAfter.ca, connBefore.ca, 'kubeconfig embeds the same CA');
  http.close();
  http = new KubeHttp(connAfter);

  // One change before the client re-watches (must be replayed), one after (live).
  const c = await http.request('POST', NS, cm('c', '1'));
  assert.equal(c.status, 201, c.text);
  assert.ok(Number(c.json.metadata.resourceVersion) > lastRV, `resourceVersion continues: ${c.json.metadata.resourceVersion} > ${lastRV}`);
  const w2 = await http.watch(`${NS}?watch=true&resourceVersion=${lastRV}`);
  t.after(() => w2.close());
  const del = await http.request('DELETE', `${NS}/b`);
  assert.equal(del.status, 200, del.text);
  await waitFor(() => w2.events.length >= 2, { timeoutMs: 10_000, message: 'two events after the restart' });
  await new Promise((r) => setTimeout(r, 300));
  const seen = summary(w2.events);
  assert.equal(seen.length, 2, `no duplicates or extra events: ${seen.join('; ')}`);
  assert.equal(seen[0], `ADDED c=1 @${c.json.metadata.resourceVersion}`);
  assert.match(seen[1]!, /^DELETED b=1 @\d+$/);
  assert.ok(rv(w2.events[1]!) > rv(w2.events[0]!), 'events arrive in resourceVersion order');

  // Data written before the restart is intact, with its old resourceVersion.
  const got = await http.get(`${NS}/a`);
  assert.equal(got.status, 200, got.text);
  assert.deepEqual(got.json.data, { v: '2' });
  assert.equal(got.json.metadata.resourceVersion, a2.json.metadata.resourceVersion);
  w2.close();
  assert.equal(await server.stop(), 0, server.stderrTail());
});
