import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startTestServer, type TestServer } from './test-harness.js';

const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}) => ({ metadata: { name, labels }, data });
const base = '/api/v1/namespaces/default/configmaps';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('apiserver watch', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer({ bookmarkIntervalMs: 100 }); });
  after(async () => { await s.close(); });

  it('without RV: synthetic ADDED then live events, headers flushed at once', async () => {
    await s.request('POST', base, cm('w1'));
    const w = s.watch(`${base}?watch=true`);
    assert.equal(await w.status, 200, 'headers arrive before any change');
    await w.waitFor(1);
    assert.equal(w.events[0].type, 'ADDED');
    assert.equal(w.events[0].object.metadata.name, 'w1');
    await s.request('PATCH', `${base}/w1`, { data: { x: '1' } }, { 'Content-Type': 'application/merge-patch+json' });
    await s.request('DELETE', `${base}/w1`);
    await w.waitFor(3);
    assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.ok(Number(w.events[2].object.metadata.resourceVersion) > Number(w.events[1].object.metadata.resourceVersion), 'DELETED carries the deletion RV');
    w.close();
  });

  it('from RV N replays history after N', async () => {
    const c = await s.request('POST', base, cm('w2'));
    const rv = c.json.metadata.resourceVersion;
    await s.request('PUT', `${base}/w2`, cm('w2', {}, { a: 'b' }));
    await s.request('POST', base, cm('w3'));
    const w = s.watch(`${base}?watch=1&resourceVersion=${rv}`);
    await w.waitFor(2);
    assert.deepEqual(w.events.map((e) => `${e.type}:${e.object.metadata.name}`), ['MODIFIED:w2', 'ADDED:w3']);
    w.close();
  });

  it('label-filtered watch turns updates into ADDED/DELETED transitions', async () => {
    await s.request('POST', base, cm('w4', { app: 'x' }));
    const list = await s.request('GET', `${base}?labelSelector=app%3Dweb`);
    const w = s.watch(`${base}?watch=true&labelSelector=app%3Dweb&resourceVersion=${list.json.metadata.resourceVersion}`);
    await w.status;
    await s.request('PATCH', `${base}/w4`, { metadata: { labels: { app: 'web' } } }, { 'Content-Type': 'application/merge-patch+json' });
    await s.request('PATCH', `${base}/w4`, { data: { k: 'v' } }, { 'Content-Type': 'application/merge-patch+json' });
    await s.request('PATCH', `${base}/w4`, { metadata: { labels: { app: 'other' } } }, { 'Content-Type': 'application/merge-patch+json' });
    await w.waitFor(3);
    assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    w.close();
  });

  it('field-selector watch on metadata.name', async () => {
    const w = s.watch(`${base}?watch=true&fieldSelector=metadata.name%3Dw5`);
    await w.status;
    await s.request('POST', base, cm('w6'));
    await s.request('POST', base, cm('w5'));
    await w.waitFor(1);
    await sleep(50);
    assert.deepEqual(w.events.map((e) => e.object.metadata.name), ['w5']);
    w.close();
  });

  it('legacy /watch/ prefix, including a single named object', async () => {
    const w = s.watch(`/api/v1/watch/namespaces/default/configmaps/lw1`);
    await w.status;
    await s.request('POST', base, cm('lw2'));
    await s.request('POST', base, cm('lw1'));
    await w.waitFor(1);
    await sleep(50);
    assert.deepEqual(w.events.map((e) => e.object.metadata.name), ['lw1']);
    w.close();
  });

  it('too old RV after compaction → ERROR 410 Expired, then close', async () => {
    for (let i = 0; i < 3; i++) await s.request('POST', base, cm(`c${i}`));
    await s.backend.compact(s.backend.currentRevision() - 1);
    const w = s.watch(`${base}?watch=true&resourceVersion=1`);
    await w.waitFor(1);
    await w.ended;
    assert.equal(w.events[0].type, 'ERROR');
    assert.equal(w.events[0].object.code, 410);
    assert.equal(w.events[0].object.reason, 'Expired');
    const list = await s.request('GET', `${base}?resourceVersion=1&resourceVersionMatch=Exact`);
    assert.equal(list.status, 410);
  });

  it('timeoutSeconds closes the stream; bookmarks are sent when allowed', async () => {
    const started = Date.now();
    const w = s.watch(`${base}?watch=true&timeoutSeconds=1&allowWatchBookmarks=true&resourceVersion=${s.backend.currentRevision()}`);
    await w.ended;
    const took = Date.now() - started;
    assert.ok(took >= 900 && took < 3000, `closed after ${took} ms`);
    const bm = w.events.filter((e) => e.type === 'BOOKMARK');
    assert.ok(bm.length >= 3, `got ${bm.length} bookmarks`);
    assert.equal(bm[0].object.kind, 'ConfigMap');
    assert.match(bm[0].object.metadata.resourceVersion, /^\d+$/);
  });

  it('sendInitialEvents: ADDEDs then the initial-events-end bookmark', async () => {
    const w = s.watch(`${base}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=app%3Dother`);
    await w.waitFor(2);
    assert.equal(w.events[0].type, 'ADDED');
    assert.equal(w.events[1].type, 'BOOKMARK');
    assert.equal(w.events[1].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
    w.close();
  });

  it('dryRun writes emit no events', async () => {
    const w = s.watch(`${base}?watch=true&resourceVersion=${s.backend.currentRevision()}`);
    await w.status;
    await s.request('POST', `${base}?dryRun=All`, cm('dry'));
    await s.request('POST', base, cm('real'));
    await w.waitFor(1);
    await sleep(50);
    assert.deepEqual(w.events.map((e) => e.object.metadata.name), ['real']);
    w.close();
  });

  it('Table watch: first event has column definitions, later ones none', async () => {
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const w = s.watch(`${base}?watch=true&resourceVersion=${s.backend.currentRevision()}`, { Accept: accept });
    await w.status;
    await s.request('POST', base, cm('t1'));
    await s.request('POST', base, cm('t2'));
    await w.waitFor(2);
    assert.equal(w.events[0].object.kind, 'Table');
    assert.ok(w.events[0].object.columnDefinitions.length > 0);
    assert.deepEqual(w.events[1].object.columnDefinitions, []);
    assert.equal(w.events[1].object.rows[0].cells[0], 't2');
    w.close();
  });

  it('client disconnect mid-watch stops the watcher and the server keeps serving', async () => {
    const hub = (s.backend as unknown as { hub: { size: number } }).hub;
    const before = hub.size;
    await new Promise<void>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: s.port, path: `${base}?watch=true` }, (res) => {
        res.once('data', () => { req.destroy(); resolve(); });
      });
      req.on('error', reject);
    });
    for (let i = 0; i < 50 && hub.size > before; i++) await sleep(20);
    assert.equal(hub.size, before, 'storage watcher stopped');
    assert.equal((await s.request('GET', '/healthz')).status, 200);
  });
});
