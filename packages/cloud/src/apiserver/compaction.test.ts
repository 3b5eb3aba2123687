import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '@kedge/core';
import { compactOnce } from './compaction.js';
import { startTestServer } from './test-harness.js';

describe('compaction', () => {
  it('keeps minRetain revisions; old continue tokens and Exact reads then answer 410', async () => {
    const s = await startTestServer();
    try {
      const base = '/api/v1/namespaces/default/configmaps';
      for (let i = 0; i < 6; i++) await s.request('POST', base, { metadata: { name: `c${i}` } });
      const page = await s.request('GET', `${base}?limit=2`);
      const cont = page.json.metadata.continue as string;
      assert.ok(cont);
      const listRV = page.json.metadata.resourceVersion;
      assert.equal(await compactOnce(s.backend, 1000, silentLogger()), undefined, 'nothing to compact yet');
      for (let i = 0; i < 5; i++) await s.request('PATCH', `${base}/c0`, { data: { i: String(i) } }, { 'Content-Type': 'application/merge-patch+json' });
      const target = await compactOnce(s.backend, 2, silentLogger());
      assert.equal(target, s.backend.currentRevision() - 2);
      assert.equal(s.backend.compactRevision(), target);
      const next = await s.request('GET', `${base}?limit=2&continue=${encodeURIComponent(cont)}`);
      assert.equal(next.status, 410);
      assert.equal(next.json.reason, 'Expired');
      const exact = await s.request('GET', `${base}?resourceVersion=${listRV}&resourceVersionMatch=Exact`);
      assert.equal(exact.status, 410);
      const fresh = await s.request('GET', `${base}?limit=100`);
      assert.equal(fresh.status, 200);
      assert.equal(fresh.json.items.length, 6);
      const bad = await s.request('GET', `${base}?continue=garbage`);
      assert.equal(bad.status, 400);
    } finally {
      await s.close();
    }
  });
});
