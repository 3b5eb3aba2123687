import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R, type KubeObject } from '@kedge/api';
import { silentLogger } from '../log/logger.js';
import { createKubeClient } from '../http-client/http-client.js';
import { MiniApiServer } from '../testing/mini-api-server.js';
import { createFakeKube } from '../testing/fake-kube.js';
import { waitFor } from '../testing/harness.js';
import { createInformerFactory, resourceKey } from './informer-factory.js';
import { ListWatchInformer } from './informer.js';


const pod = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({ metadata: { name, namespace: name.startsWith('k') ? 'kube' : 'ns', labels: { n: name } }, ...extra });

function recorder(inf: ListWatchInformer) {
  const log: string[] = [];
  inf.on({
    add: (o) => log.push(`add:${o.metadata.name}`),
    update: (a, b) => log.push(`update:${b.metadata.name}`),
    delete: (o) => log.push(`delete:${o.metadata.name}`),
  });
  return log;
}

test('lists in pages, syncs, follows the watch, freezes and indexes objects', async () => {
  const srv = new MiniApiServer();
  await srv.start();
  const ac = new AbortController();
  try {
    for (const n of ['a', 'b', 'c', 'd', 'k1']) srv.upsert(pod(n));
    const inf = new ListWatchInformer(createKubeClient({ server: srv.url }), R.pods, silentLogger(), { pageSize: 2, minBackoffMs: 10 });
    inf.addIndex('label-n', (o) => [o.metadata.labels?.n ?? '']);
    const log = recorder(inf);
    const run = inf.start(ac.signal);
    await inf.waitForSync(AbortSignal.timeout(3000));
    assert.equal(inf.list().length, 5);
    assert.equal(inf.list('kube').length, 1);
    const lists = srv.requests.filter((r) => r.method === 'GET' && !r.url.includes('watch'));
    assert.equal(lists.length, 3, 'paged by 2');
    assert.match(lists[1]!.url, /continue=2/);
    const a = inf.get('ns/a')!;
    assert.equal(a.kind, 'Pod', 'list items get kind filled');
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a.metadata.labels));
    await waitFor(() => srv.watcherCount() === 1, 'watch');
    const watchUrl = new URL(srv.requests.at(-1)!.url, 'http://x');
    assert.equal(watchUrl.searchParams.get('allowWatchBookmarks'), 'true');
    const ts = Number(watchUrl.searchParams.get('timeoutSeconds'));
    assert.ok(ts >= 300 && ts <= 600);
    srv.upsert(pod('a', { spec: { v: 2 } }));
    srv.remove('ns', 'b');
    srv.upsert(pod('e'));
    await waitFor(() => inf.get('ns/e') !== undefined, 'add e');
    assert.equal(inf.get('ns/a')!.spec.v, 2);
    assert.equal(inf.get('ns/b'), undefined);
    assert.deepEqual(inf.byIndex('label-n', 'e').map((o) => o.metadata.name), ['e']);
    assert.deepEqual(log.slice(5), ['update:a', 'delete:b', 'add:e']);
    // A late handler sees existing objects as adds.
    const late: string[] = [];
    inf.on({ add: (o) => late.push(o.metadata.name!) });
    assert.equal(late.length, 5);
    ac.abort();
    await run;
  } finally {
    ac.abort();
    await srv.stop();
  }
});

test('re-watches from the last RV when a stream ends and relists on Expired with a correct diff', async () => {
  const srv = new MiniApiServer();
  await srv.start();
  const ac = new AbortController();
  try {
    for (const n of ['a', 'b']) srv.upsert(pod(n));
    const inf = new ListWatchInformer(createKubeClient({ server: srv.url }), R.pods, silentLogger(), { minBackoffMs: 10 });
    const log = recorder(inf);
    const run = inf.start(ac.signal);
    await inf.waitForSync(AbortSignal.timeout(3000));
    await waitFor(() => srv.watcherCount() === 1, 'watch');
    srv.closeWatches();
    srv.upsert(pod('c'));
    await waitFor(() => inf.get('ns/c') !== undefined, 'c via re-watch');
    const rewatch = new URL(srv.requests.filter((r) => r.url.includes('watch=true')).at(-1)!.url, 'http://x');
    assert.ok(Number(rewatch.searchParams.get('resourceVersion')) > 0, 'resumes from an RV, not from scratch');
    const lists = () => srv.requests.filter((r) => !r.url.includes('watch')).length;
    assert.equal(lists(), 1, 'no relist for a clean stream end');
    // Changes while the watch is gone, then history compacted: only a relist can catch up.
    await waitFor(() => srv.watcherCount() === 1, 'watch again');
    srv.closeWatches();
    srv.remove('ns', 'a');
    srv.upsert(pod('b', { spec: { v: 9 } }));
    srv.upsert(pod('d'));
    srv.compact();
    await waitFor(() => inf.get('ns/d') !== undefined && inf.get('ns/a') === undefined, 'relist');
    assert.ok(lists() >= 2);
    assert.equal(inf.get('ns/b')!.spec.v, 9);
    assert.deepEqual(log.sort(), ['add:a', 'add:b', 'add:c', 'add:d', 'delete:a', 'update:b'].sort());
    ac.abort();
    await run;
  } finally {
    ac.abort();
    await srv.stop();
  }
});

test('survives an API server restart without losing or duplicating state', async () => {
  const srv = new MiniApiServer();
  await srv.start();
  const ac = new AbortController();
  try {
    srv.upsert(pod('a'));
    const inf = new ListWatchInformer(createKubeClient({ server: srv.url }), R.pods, silentLogger(), { minBackoffMs: 20, maxBackoffMs: 100 });
    const log = recorder(inf);
    const run = inf.start(ac.signal);
    await inf.waitForSync(AbortSignal.timeout(3000));
    await waitFor(() => srv.watcherCount() === 1, 'watch');
    await srv.stop();
    srv.upsert(pod('b'));
    srv.remove('ns', 'a');
    await new Promise((r) => setTimeout(r, 150));
    await srv.start();
    await waitFor(() => inf.get('ns/b') !== undefined && inf.get('ns/a') === undefined, 'catch up after restart');
    srv.upsert(pod('c'));
    await waitFor(() => inf.get('ns/c') !== undefined, 'live after restart');
    assert.deepEqual(log, ['add:a', 'add:b', 'delete:a', 'add:c']);
    ac.abort();
    await run;
  } finally {
    ac.abort();
    await srv.stop();
  }
});

test('factory shares informers and works over the fake client', async () => {
  const fake = createFakeKube();
  fake.seed(R.nodes, { metadata: { name: 'n1' } });
  const f = createInformerFactory(fake, silentLogger());
  const a = f.informer(R.nodes);
  assert.equal(f.informer(R.nodes), a);
  assert.notEqual(f.informer(R.nodes, { labelSelector: 'x=y' }), a);
  const ac = new AbortController();
  const run = f.start(ac.signal);
  await f.waitForSync(AbortSignal.timeout(3000));
  assert.equal(a.list().length, 1);
  const late = f.informer(R.pods);
  await late.waitForSync(AbortSignal.timeout(3000));
  await fake.create(R.nodes, { metadata: { name: 'n2' } });
  await waitFor(() => a.get('n2') !== undefined, 'n2');
  ac.abort();
  await run;
});

test('a factory transform strips fields from listed and watched objects before caching and handlers', async () => {
  const fake = createFakeKube();
  const big = (name: string): KubeObject => ({ metadata: { name, managedFields: [{ manager: 'x' }] }, status: { images: [{ names: ['a'] }], phase: 'Ready' } });
  fake.seed(R.nodes, big('n1'));
  const strip = (o: KubeObject): KubeObject => {
    const { managedFields: _m, ...metadata } = o.metadata;
    const { images: _i, ...status } = (o.status ?? {}) as Record<string, unknown>;
    return { ...o, metadata, status };
  };
  const f = createInformerFactory(fake, silentLogger(), { transforms: { [resourceKey(R.nodes)]: strip } });
  const nodes = f.informer(R.nodes);
  const pods = f.informer(R.pods);
  const seen: KubeObject[] = [];
  nodes.on({ add: (o) => seen.push(o), update: (_a, b) => seen.push(b) });
  const ac = new AbortController();
  const run = f.start(ac.signal);
  await f.waitForSync(AbortSignal.timeout(3000));
  await fake.create(R.nodes, big('n2'));
  await fake.create(R.pods, { metadata: { name: 'p', namespace: 'ns', managedFields: [{ manager: 'y' }] } });
  await waitFor(() => nodes.get('n2') !== undefined && pods.list().length === 1, 'n2 and p');
  for (const n of [nodes.get('n1')!, nodes.get('n2')!, ...seen]) {
    assert.equal(n.metadata.managedFields, undefined);
    assert.deepEqual(n.status, { phase: 'Ready' });
  }
  assert.equal(seen.length, 2);
  assert.deepEqual(pods.list()[0]!.metadata.managedFields, [{ manager: 'y' }]);
  ac.abort();
  await run;
});
