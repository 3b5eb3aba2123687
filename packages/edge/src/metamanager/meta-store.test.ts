import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { R, type KubeObject } from '@kedge/api';
import { openMetaStore, type StoreEvent } from './meta-store.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-metastore-'));
  dirs.push(dir);
  return path.join(dir, 'edgecore.db');
}
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const pod = (name: string, rv: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: rv, ...extra },
  spec: { nodeName: 'edge1' },
});

describe('MetaStore', () => {
  it('upserts into meta and meta_v2 with KubeEdge keys', () => {
    const file = tempDb();
    const store = openMetaStore({ path: file });
    assert.equal(store.put(pod('nginx', '10'), 'pod'), 'added');
    assert.equal(store.put({ ...pod('nginx', '11'), spec: { nodeName: 'edge2' } }, 'pod'), 'modified');
    assert.equal(store.get('pod', 'default', 'nginx')?.spec.nodeName, 'edge2');
    store.close();

    const db = new Database(file, { readonly: true });
    try {
      const meta = db.prepare('SELECT key, type FROM meta').all();
      assert.deepEqual(meta, [{ key: 'default/pod/nginx', type: 'pod' }]);
      const v2 = db.prepare('SELECT key, group_version_resource, namespace, name, resource_version FROM meta_v2').all();
      assert.deepEqual(v2, [{ key: '/core/v1/pods/default/nginx', group_version_resource: '/v1, Resource=pods', namespace: 'default', name: 'nginx', resource_version: 11 }]);
    } finally {
      db.close();
    }
  });

  it('ignores a write older than the stored resourceVersion', () => {
    const store = openMetaStore({ path: tempDb() });
    store.put(pod('a', '20'), 'pod');
    const rev = store.revision();
    assert.equal(store.put({ ...pod('a', '19'), spec: { nodeName: 'old' } }, 'pod'), 'ignored');
    assert.equal(store.get('pod', 'default', 'a')?.metadata.resourceVersion, '20');
    assert.equal(store.revision(), rev);
    assert.equal(store.put(pod('a', '20'), 'pod'), 'modified', 'a resend of the same version is accepted');
    store.close();
  });

  it('deletes a pod only when the uid matches, and drops its podpatch', () => {
    const store = openMetaStore({ path: tempDb() });
    store.put(pod('p', '5'), 'pod');
    store.put({ metadata: { name: 'p', namespace: 'default' }, patch: {} }, 'podpatch');
    assert.equal(store.delete('pod', 'default', 'p', 'other-uid'), undefined);
    assert.ok(store.get('pod', 'default', 'p'));
    assert.equal(store.delete('pod', 'default', 'p', 'uid-p')?.metadata.name, 'p');
    assert.equal(store.get('pod', 'default', 'p'), undefined);
    assert.equal(store.get('podpatch', 'default', 'p'), undefined);
    assert.equal(store.delete('pod', 'default', 'p'), undefined);
    store.close();
  });

  it('lists by edge type and by resource, namespaced and across namespaces', () => {
    const store = openMetaStore({ path: tempDb() });
    store.put(pod('a', '1'), 'pod');
    store.put(pod('b', '2', { namespace: 'kube-system' }), 'pod');
    store.put({ metadata: { name: 'cfg', namespace: 'default' }, data: { k: 'v' } }, 'configmap');
    store.put({ metadata: { name: 'edge1' } }, 'node');
    assert.deepEqual(store.list('pod').map((o) => o.metadata.name), ['a', 'b']);
    assert.deepEqual(store.list('pod', 'kube-system').map((o) => o.metadata.name), ['b']);
    assert.deepEqual(store.listByResource(R.pods, 'default').map((o) => o.metadata.name), ['a']);
    assert.deepEqual(store.listByResource(R.configmaps).map((o) => o.metadata.name), ['cfg']);
    // Nodes are cluster-scoped: found whatever namespace the caller passes (edged asks with `default`).
    assert.equal(store.get('node', 'default', 'edge1')?.metadata.name, 'edge1');
    assert.deepEqual(store.listByResource(R.nodes).map((o) => o.metadata.name), ['edge1']);
    const e = store.getEntry(R.pods, 'default', 'a');
    assert.ok(e && e.revision > 0 && e.revision <= store.revision());
    store.close();
  });

  it('stores unknown types generically in meta', () => {
    const store = openMetaStore({ path: tempDb() });
    store.put({ metadata: { name: 'r1', namespace: 'default' }, spec: { x: 1 } }, 'rule');
    assert.deepEqual(store.get('rule', 'default', 'r1')?.spec, { x: 1 });
    assert.equal(store.list('rule').length, 1);
    store.close();
  });

  it('feeds changes with increasing revisions', () => {
    const store = openMetaStore({ path: tempDb() });
    const seen: StoreEvent[] = [];
    const stop = store.watch((ev) => seen.push(ev));
    store.put(pod('w', '1'), 'pod');
    store.put(pod('w', '2'), 'pod');
    store.put(pod('w', '1'), 'pod'); // ignored: no event
    store.delete('pod', 'default', 'w');
    stop();
    store.put(pod('x', '1'), 'pod');
    assert.deepEqual(seen.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.deepEqual(seen.map((e) => e.resource.resource), ['pods', 'pods', 'pods']);
    assert.equal(seen[1]!.oldObj?.metadata.resourceVersion, '1');
    assert.ok(seen[0]!.revision < seen[1]!.revision && seen[1]!.revision < seen[2]!.revision);
    store.close();
  });

  it('persists objects and the revision across a reopen', () => {
    const file = tempDb();
    const s1 = openMetaStore({ path: file });
    s1.put(pod('keep', '7'), 'pod');
    s1.put({ metadata: { name: 'sec', namespace: 'default' }, data: {} }, 'secret');
    const rev = s1.revision();
    s1.close();
    const s2 = openMetaStore({ path: file });
    assert.equal(s2.revision(), rev);
    assert.equal(s2.get('pod', 'default', 'keep')?.metadata.uid, 'uid-keep');
    assert.equal(s2.listByResource(R.secrets).length, 1);
    s2.put(pod('more', '8'), 'pod');
    assert.equal(s2.revision(), rev + 1);
    s2.close();
  });
});
