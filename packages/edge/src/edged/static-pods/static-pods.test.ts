import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@kedge/core';
import { CONFIG_SOURCE, createStaticPodSource, staticPodFromFile } from './index.js';

const manifest = (name: string, image = 'kedge.local/busybox:1.35') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: main\n    image: ${image}\n`;

describe('staticPodFromFile', () => {
  it('names the pod <name>-<node>, binds it, marks its source and derives a stable uid from the content', () => {
    const a = staticPodFromFile('/m/web.yaml', manifest('web'), 'edge-1');
    assert.equal(a.metadata.name, 'web-edge-1');
    assert.equal(a.metadata.namespace, 'default');
    assert.equal(a.spec?.nodeName, 'edge-1');
    assert.equal(a.metadata.annotations?.[CONFIG_SOURCE], 'file');
    assert.match(a.metadata.uid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(staticPodFromFile('/other/place.yaml', manifest('web'), 'edge-1').metadata.uid, a.metadata.uid);
    assert.notEqual(staticPodFromFile('/m/web.yaml', manifest('web', 'kedge.local/busybox:1.36'), 'edge-1').metadata.uid, a.metadata.uid);
    assert.notEqual(staticPodFromFile('/m/web.yaml', manifest('web'), 'edge-2').metadata.uid, a.metadata.uid);
  });

  it('reads JSON manifests too', () => {
    const p = staticPodFromFile('/m/j.json', JSON.stringify({ kind: 'Pod', metadata: { name: 'j', namespace: 'kube-system' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } }), 'n');
    assert.equal(p.metadata.name, 'j-n');
    assert.equal(p.metadata.namespace, 'kube-system');
  });

  it('names the file and the field that is wrong', () => {
    assert.throws(() => staticPodFromFile('/m/d.yaml', 'kind: Deployment\nmetadata: {name: d}\n', 'n'), /\/m\/d\.yaml: kind: want Pod/);
    assert.throws(() => staticPodFromFile('/m/x.yaml', 'kind: Pod\nmetadata: {name: Bad_Name}\nspec: {containers: [{name: a, image: b}]}\n', 'n'), /metadata\.name/);
    assert.throws(() => staticPodFromFile('/m/x.yaml', 'kind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: a}]}\n', 'n'), /spec\.containers\[0\]\.image: required/);
    assert.throws(() => staticPodFromFile('/m/x.yaml', `${manifest('a')}---\n${manifest('b')}`, 'n'), /exactly one Pod/);
    assert.throws(() => staticPodFromFile('/m/x.yaml', 'kind: Pod\n  bad: [', 'n'), /\/m\/x\.yaml/);
  });
});

describe('createStaticPodSource', () => {
  it('lists valid manifests, skips broken ones, and reports changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kedge-static-'));
    const ac = new AbortController();
    try {
      writeFileSync(join(dir, 'a.yaml'), manifest('a'));
      writeFileSync(join(dir, 'broken.yaml'), 'kind: Pod\n');
      writeFileSync(join(dir, 'notes.txt'), 'not a manifest');
      let changes = 0;
      const src = createStaticPodSource({ dir, nodeName: 'n1', log: silentLogger(), checkMs: 60_000, onChange: () => changes++ });
      const running = src.start(ac.signal);
      const until0 = Date.now() + 5000;
      while (changes === 0 && Date.now() < until0) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(src.pods().map((p) => p.metadata.name), ['a-n1']);
      assert.equal(changes, 1);
      writeFileSync(join(dir, 'b.json'), JSON.stringify({ kind: 'Pod', metadata: { name: 'b' }, spec: { containers: [{ name: 'c', image: 'i:1' }] } }));
      const until = Date.now() + 5000;
      while (changes < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(src.pods().map((p) => p.metadata.name).sort(), ['a-n1', 'b-n1']);
      assert.equal(changes, 2);
      ac.abort();
      await running;
    } finally {
      ac.abort();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
