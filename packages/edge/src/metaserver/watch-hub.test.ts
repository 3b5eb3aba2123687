import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openMetaStore } from '../metamanager/meta-store.js';
import { WatchHub } from './watch-hub.js';

describe('WatchHub', () => {
  it('replays from history while it still holds every later event', () => {
    const store = openMetaStore({ path: ':memory:' });
    const start = store.revision();
    const hub = new WatchHub(store, 2);
    for (const name of ['a', 'b', 'c']) store.put({ metadata: { name, namespace: 'default' } }, 'pod');
    assert.equal(hub.since(start), undefined, 'the first event was evicted');
    assert.deepEqual(hub.since(start + 1)?.map((e) => e.obj.metadata.name), ['b', 'c']);
    assert.deepEqual(hub.since(store.revision()), []);
    hub.close();
    store.close();
  });

  it('keeps feeding other listeners when one throws', () => {
    const store = openMetaStore({ path: ':memory:' });
    const errors: unknown[] = [];
    const hub = new WatchHub(store, 10, (e) => errors.push(e));
    const seen: string[] = [];
    hub.subscribe(() => {
      throw new Error('broken stream');
    });
    hub.subscribe((ev) => seen.push(ev.obj.metadata.name!));
    assert.doesNotThrow(() => store.put({ metadata: { name: 'x', namespace: 'default' } }, 'pod'));
    assert.deepEqual(seen, ['x']);
    assert.equal(errors.length, 1);
    hub.close();
    store.close();
  });
});
