import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { isStorageError, type Backend, type StorageErrorCode, type StorageEvent, type Watcher } from './types.js';

export interface BackendFixture {
  /** A fresh, not yet opened backend; the suite opens and closes it. */
  backend: Backend;
  /** A new, not yet opened backend on the same data (called after the previous one is closed). */
  reopen?: () => Promise<Backend>;
  /** Removes files; backends are already closed when it runs. */
  cleanup: () => Promise<void>;
}

const WAIT_MS = 5000;

/** Registers the behaviour every Backend implementation must have as node:test tests. */
export function runBackendContract(name: string, make: () => Promise<BackendFixture>): void {
  const t = (title: string, fn: (b: Backend, fx: BackendFixture, ctx: TestContext) => Promise<void>): void => {
    test(`${name}: ${title}`, async (ctx) => {
      const fx = await make();
      const opened: Backend[] = [fx.backend];
      await fx.backend.open();
      try {
        await fn(fx.backend, { ...fx, reopen: fx.reopen && (async () => {
          const b = await fx.reopen!();
          opened.push(b);
          await b.open();
          return b;
        }) }, ctx);
      } finally {
        for (const b of opened) await b.close();
        await fx.cleanup();
      }
    });
  };

  t('create then exists', async (b) => {
    const rev = await b.create('/registry/pods/default/a', '{"a":1}');
    assert.ok(rev > 0);
    assert.equal(b.currentRevision(), rev);
    assert.deepEqual(await b.get('/registry/pods/default/a'), { key: '/registry/pods/default/a', value: '{"a":1}', createRevision: rev, modRevision: rev });
    await rejectsWith(b.create('/registry/pods/default/a', '{}'), 'exists');
    assert.equal(b.currentRevision(), rev, 'a failed write must not consume a revision');
  });

  t('get of a missing key is undefined', async (b) => {
    assert.equal(await b.get('/registry/pods/default/none'), undefined);
    await b.create('/registry/pods/default/some', '{}');
    assert.equal(await b.get('/registry/pods/default/none'), undefined);
    assert.equal(await b.get('/registry/pods/default/som'), undefined);
  });

  t('update checks expectedRevision', async (b) => {
    const k = '/registry/pods/default/u';
    await rejectsWith(b.update(k, '{}'), 'not-found');
    const r1 = await b.create(k, 'v1');
    const r2 = await b.update(k, 'v2', r1);
    assert.ok(r2 > r1);
    await rejectsWith(b.update(k, 'v3', r1), 'conflict');
    assert.deepEqual(await b.get(k), { key: k, value: 'v2', createRevision: r1, modRevision: r2 });
  });

  t('concurrent conditional updates: exactly one wins', async (b) => {
    const k = '/registry/leases/ns/l';
    const r1 = await b.create(k, 'v0');
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => b.update(k, `v${i + 1}`, r1)));
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(isStorageError(r.reason, 'conflict'));
    assert.equal((await b.get(k))?.modRevision, (won[0] as PromiseFulfilledResult<number>).value);
  });

  t('unconditional update', async (b) => {
    const k = '/registry/pods/default/u';
    const r1 = await b.create(k, 'v1');
    await b.update(k, 'v2');
    const r3 = await b.update(k, 'v3');
    assert.deepEqual(await b.get(k), { key: k, value: 'v3', createRevision: r1, modRevision: r3 });
  });

  t('delete returns the last value and checks expectedRevision', async (b) => {
    const k = '/registry/pods/default/d';
    await rejectsWith(b.delete(k), 'not-found');
    const r1 = await b.create(k, 'v1');
    const r2 = await b.update(k, 'v2');
    await rejectsWith(b.delete(k, r1), 'conflict');
    assert.equal((await b.get(k))?.value, 'v2');
    const del = await b.delete(k, r2);
    assert.ok(del.revision > r2);
    assert.deepEqual(del.prev, { key: k, value: 'v2', createRevision: r1, modRevision: r2 });
    assert.equal(await b.get(k), undefined);
    await rejectsWith(b.delete(k), 'not-found');
    await rejectsWith(b.update(k, 'x'), 'not-found');
    const r4 = await b.create(k, 'again');
    assert.deepEqual(await b.get(k), { key: k, value: 'again', createRevision: r4, modRevision: r4 });
  });

  t('revisions strictly increase across all writes', async (b) => {
    const revs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const k = `/registry/configmaps/ns/c${i % 4}`;
      if (i < 4) revs.push(await b.create(k, `${i}`));
      else if (i % 5 === 0) revs.push((await b.delete(k)).revision, await b.create(k, `${i}`));
      else revs.push(await b.update(k, `${i}`));
    }
    for (let i = 1; i < revs.length; i++) assert.ok(revs[i]! > revs[i - 1]!, `revision ${revs[i]} after ${revs[i - 1]}`);
    assert.equal(b.currentRevision(), revs.at(-1));
  });

  t('list is sorted and isolated by prefix', async (b) => {
    for (const n of ['c', 'a', 'b']) await b.create(`/registry/pods/ns/${n}`, n);
    await b.create('/registry/podsx/ns/z', 'z');
    await b.create('/registry/pods/other/a', 'oa');
    await b.create('/registry/pod', 'short');
    const all = await b.list('/registry/pods/');
    assert.deepEqual(all.items.map((i) => i.key), ['/registry/pods/ns/a', '/registry/pods/ns/b', '/registry/pods/ns/c', '/registry/pods/other/a']);
    assert.equal(all.revision, b.currentRevision());
    assert.equal(all.more, false);
    assert.deepEqual((await b.list('/registry/pods/ns/')).items.map((i) => i.value), ['a', 'b', 'c']);
    assert.deepEqual((await b.list('/registry/podsx/')).items.map((i) => i.value), ['z']);
    assert.deepEqual((await b.list('/registry/nothing/')).items, []);
    await b.delete('/registry/pods/ns/b');
    assert.deepEqual((await b.list('/registry/pods/ns/')).items.map((i) => i.value), ['a', 'c']);
  });

  t('count counts live keys under a prefix', async (b) => {
    for (let i = 0; i < 5; i++) await b.create(`/registry/secrets/ns/s${i}`, '{}');
    await b.create('/registry/secretsx/ns/s', '{}');
    await b.delete('/registry/secrets/ns/s2');
    await b.update('/registry/secrets/ns/s3', '{"x":1}');
    assert.equal(await b.count('/registry/secrets/'), 4);
    assert.equal(await b.count('/registry/secrets/ns/s3'), 1);
    assert.equal(await b.count('/registry/none/'), 0);
  });

  t('pagination is consistent at one revision while writes continue', async (b) => {
    for (let i = 0; i < 10; i++) await b.create(`/registry/pods/ns/p${i}`, `v${i}`);
    const first = await b.list('/registry/pods/', { limit: 4 });
    assert.equal(first.more, true);
    assert.deepEqual(first.items.map((i) => i.value), ['v0', 'v1', 'v2', 'v3']);
    const rev = first.revision;
    // Writes after the first page must not show through later pages.
    await b.delete('/registry/pods/ns/p5');
    await b.update('/registry/pods/ns/p6', 'changed');
    await b.create('/registry/pods/ns/p45', 'new');
    const seen = first.items.map((i) => i.value);
    let after = first.items.at(-1)!.key;
    for (let page = 0; page < 10; page++) {
      const next = await b.list('/registry/pods/', { limit: 4, after, revision: rev });
      assert.equal(next.revision, rev);
      seen.push(...next.items.map((i) => i.value));
      if (!next.more) break;
      after = next.items.at(-1)!.key;
    }
    assert.deepEqual(seen, ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9']);
    const exact = await b.list('/registry/pods/', { limit: 10 });
    assert.equal(exact.more, false, 'a page that ends exactly at the limit has no more');
    assert.equal(exact.items.length, 10);
    assert.deepEqual((await b.list('/registry/pods/', { after: '/registry/pods/ns/p8' })).items.map((i) => i.value), ['v9']);
  });

  t('get and list as of an old revision', async (b) => {
    const k = '/registry/pods/ns/h';
    const r1 = await b.create(k, 'v1');
    const r2 = await b.update(k, 'v2');
    const r3 = (await b.delete(k)).revision;
    const r4 = await b.create('/registry/pods/ns/other', 'o');
    assert.equal((await b.get(k, r1))?.value, 'v1');
    assert.deepEqual(await b.get(k, r2), { key: k, value: 'v2', createRevision: r1, modRevision: r2 });
    assert.equal(await b.get(k, r3), undefined);
    assert.equal(await b.get(k, r4), undefined);
    assert.deepEqual((await b.list('/registry/pods/', { revision: r1 })).items.map((i) => i.value), ['v1']);
    assert.equal((await b.list('/registry/pods/', { revision: r1 })).revision, r1);
    assert.deepEqual((await b.list('/registry/pods/', { revision: r3 })).items, []);
    assert.deepEqual((await b.list('/registry/pods/', { revision: r4 })).items.map((i) => i.value), ['o']);
  });

  t('watch replays history then delivers live events in order with prev', async (b) => {
    const k = '/registry/pods/ns/w';
    const r0 = await b.create('/registry/pods/ns/before', 'b');
    const r1 = await b.create(k, 'v1');
    const r2 = await b.update(k, 'v2');
    await b.create('/registry/podsx/ns/noise', 'n');
    const w = collect(b, '/registry/pods/', r0);
    assert.equal(w.events.length, 0, 'replay starts after watch() returned, so the caller holds the Watcher first');
    const r3 = (await b.delete(k)).revision;
    const r4 = await b.create(k, 'v3');
    await b.create('/registry/podsx/ns/noise2', 'n');
    await w.waitFor(4);
    w.watcher.stop();
    await b.update(k, 'after stop');
    await tick();
    assert.deepEqual(w.events.map((e) => [e.type, e.revision, e.kv.value, e.prev?.value]), [
      ['create', r1, 'v1', undefined],
      ['update', r2, 'v2', 'v1'],
      ['delete', r3, 'v2', 'v2'],
      ['create', r4, 'v3', undefined],
    ]);
    assert.deepEqual(w.events[1]!.prev, { key: k, value: 'v1', createRevision: r1, modRevision: r1 });
    assert.deepEqual(w.events[2]!.kv, { key: k, value: 'v2', createRevision: r1, modRevision: r3 });
    assert.deepEqual(w.events[2]!.prev, { key: k, value: 'v2', createRevision: r1, modRevision: r2 });
    w.watcher.stop();
  });

  t('watch from the current revision sees only live events; many watchers', async (b) => {
    await b.create('/registry/a/1', '1');
    const w1 = collect(b, '/registry/a/', b.currentRevision());
    const w2 = collect(b, '/registry/', b.currentRevision());
    const w3 = collect(b, '/registry/b/', b.currentRevision());
    const r = await b.update('/registry/a/1', '2');
    await b.create('/registry/c/1', 'c');
    await w1.waitFor(1);
    await w2.waitFor(2);
    await tick();
    assert.deepEqual(w1.events.map((e) => e.revision), [r]);
    assert.equal(w2.events.length, 2);
    assert.equal(w3.events.length, 0);
    for (const w of [w1, w2, w3]) w.watcher.stop();
  });

  t('a watcher that throws breaks neither the store nor other watchers', async (b) => {
    const bad = b.watch('/registry/', 0, () => {
      throw new Error('boom');
    });
    const good = collect(b, '/registry/', 0);
    await b.create('/registry/x/1', '1');
    await b.update('/registry/x/1', '2');
    await good.waitFor(2);
    assert.equal((await b.get('/registry/x/1'))?.value, '2');
    bad.stop();
    bad.stop();
    good.watcher.stop();
  });

  t('a watcher that writes from its callback keeps revision order for everyone', async (b) => {
    const other = collect(b, '/registry/', 0);
    const writer = b.watch('/registry/trigger/', 0, (ev) => {
      if (ev.type === 'create') void b.create('/registry/echo/' + ev.kv.key.split('/').pop(), 'e');
    });
    await b.create('/registry/trigger/1', 't');
    await b.create('/registry/trigger/2', 't');
    await other.waitFor(4);
    const revs = other.events.map((e) => e.revision);
    assert.deepEqual(revs, [...revs].sort((x, y) => x - y));
    writer.stop();
    other.watcher.stop();
  });

  t('a watch started from inside a callback sees every event once', async (b) => {
    const start = b.currentRevision();
    let inner: ReturnType<typeof collect> | undefined;
    const outer = b.watch('/registry/', start, (ev) => {
      if (ev.kv.key === '/registry/n/1' && !inner) {
        void b.create('/registry/n/2', 'queued behind the current dispatch');
        inner = collect(b, '/registry/', start);
      }
    });
    await tick(); // outer is live, so n/1 reaches it from inside the store's dispatch loop
    await b.create('/registry/n/1', '1');
    await b.create('/registry/n/3', '3');
    assert.ok(inner);
    await inner.waitFor(3);
    await tick();
    assert.deepEqual(inner.events.map((e) => e.kv.key), ['/registry/n/1', '/registry/n/2', '/registry/n/3']);
    inner.watcher.stop();
    outer.stop();
  });

  t('compaction drops history but keeps live values and the revision counter', async (b) => {
    const r1 = await b.create('/registry/k/live', 'v1');
    await b.update('/registry/k/live', 'v2');
    const r3 = await b.create('/registry/k/gone', 'g');
    await b.delete('/registry/k/gone');
    const r5 = await b.create('/registry/k/recreated', 'a');
    await b.delete('/registry/k/recreated');
    const r7 = await b.create('/registry/k/recreated', 'b');
    const mid = await b.update('/registry/k/live', 'v3');
    await b.create('/registry/k/tail', 't');
    const top = (await b.delete('/registry/k/tail')).revision;
    await b.compact(top);
    assert.equal(b.compactRevision(), top);
    assert.equal(b.currentRevision(), top, 'the counter survives even when the newest write was a compacted delete');
    assert.deepEqual((await b.list('/registry/k/')).items.map((i) => [i.key, i.value, i.createRevision, i.modRevision]), [
      ['/registry/k/live', 'v3', r1, mid],
      ['/registry/k/recreated', 'b', r7, r7],
    ]);
    assert.equal(await b.count('/registry/k/'), 2);
    await rejectsWith(b.get('/registry/k/live', r3), 'compacted');
    await rejectsWith(b.list('/registry/k/', { revision: r5 }), 'compacted');
    assert.throws(() => b.watch('/registry/k/', top - 1, () => {}), (e) => isStorageError(e, 'compacted'));
    const w = collect(b, '/registry/k/', top);
    const next = await b.update('/registry/k/live', 'v4');
    assert.ok(next > top);
    await w.waitFor(1);
    assert.equal(w.events[0]!.prev?.value, 'v3');
    w.watcher.stop();
    await b.compact(1); // older than the current compact revision: a no-op
    assert.equal(b.compactRevision(), top);
  });

  t('watch and reads keep working between compacted history and now', async (b) => {
    const k = '/registry/k/a';
    await b.create(k, 'v1');
    const r2 = await b.update(k, 'v2');
    const r3 = await b.update(k, 'v3');
    await b.create('/registry/k/b', 'b');
    await b.compact(r2);
    assert.equal((await b.get(k, r2))?.value, 'v2', 'the value as of the compact revision stays readable');
    assert.equal((await b.get(k, r3))?.value, 'v3');
    const w = collect(b, '/registry/k/', r2);
    await w.waitFor(2);
    assert.deepEqual(w.events.map((e) => [e.kv.value, e.prev?.value]), [['v3', 'v2'], ['b', undefined]]);
    w.watcher.stop();
  });

  t('values up to 1.5 MB round-trip', async (b) => {
    const big = JSON.stringify({ data: 'x'.repeat(1_500_000), u: 'ü€😀' });
    const r = await b.create('/registry/configmaps/ns/big', big);
    assert.equal((await b.get('/registry/configmaps/ns/big'))?.value, big);
    await b.update('/registry/configmaps/ns/big', big + ' ', r);
    assert.equal((await b.list('/registry/configmaps/')).items[0]!.value.length, big.length + 1);
  });

  t('operations after close fail with closed', async (b) => {
    await b.create('/registry/a/1', '1');
    await b.close();
    await rejectsWith(b.get('/registry/a/1'), 'closed');
    await rejectsWith(b.create('/registry/a/2', '1'), 'closed');
    await b.close();
  });

  t('data, revision and compact revision survive reopen', async (b, fx, ctx) => {
    if (!fx.reopen) {
      ctx.skip('the backend keeps nothing across instances');
      return;
    }
    const r1 = await b.create('/registry/p/a', 'a1');
    await b.update('/registry/p/a', 'a2');
    const r3 = await b.create('/registry/p/b', 'b');
    await b.compact(r3);
    const r4 = await b.update('/registry/p/a', 'a3');
    const top = (await b.delete('/registry/p/b')).revision;
    await b.close();
    const b2 = await fx.reopen();
    assert.equal(b2.currentRevision(), top);
    assert.equal(b2.compactRevision(), r3);
    assert.deepEqual(await b2.get('/registry/p/a'), { key: '/registry/p/a', value: 'a3', createRevision: r1, modRevision: r4 });
    assert.equal((await b2.get('/registry/p/b', r3))?.value, 'b');
    assert.throws(() => b2.watch('/registry/', r3 - 1, () => {}), (e) => isStorageError(e, 'compacted'));
    const w = collect(b2, '/registry/p/', r3);
    await w.waitFor(2);
    assert.deepEqual(w.events.map((e) => [e.type, e.revision, e.prev?.value]), [['update', r4, 'a2'], ['delete', top, 'b']]);
    w.watcher.stop();
    const next = await b2.create('/registry/p/c', 'c');
    assert.ok(next > top);
    await b2.create('/registry/p/d', 'd');
    const newest = (await b2.delete('/registry/p/d')).revision;
    await b2.compact(newest);
    await b2.close();
    const b3 = await fx.reopen();
    assert.equal(b3.currentRevision(), newest, 'the counter survives a compacted delete as the newest write');
    assert.equal(b3.compactRevision(), newest);
    assert.deepEqual((await b3.list('/registry/p/')).items.map((i) => i.value), ['a3', 'c']);
    assert.ok((await b3.create('/registry/p/d', 'd2')) > newest);
  });
}

async function rejectsWith(p: Promise<unknown>, code: StorageErrorCode): Promise<void> {
  await assert.rejects(p, (e) => isStorageError(e, code));
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function collect(b: Backend, prefix: string, after: number): { events: StorageEvent[]; watcher: Watcher; waitFor: (n: number) => Promise<void> } {
  const events: StorageEvent[] = [];
  const watcher = b.watch(prefix, after, (ev) => events.push(ev));
  const waitFor = async (n: number): Promise<void> => {
    const deadline = Date.now() + WAIT_MS;
    while (events.length < n) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${n} events under ${prefix}, got ${events.length}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  return { events, watcher, waitFor };
}
