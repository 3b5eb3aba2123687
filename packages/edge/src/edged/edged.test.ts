import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '@kedge/core';
import { loadEdgeConfig } from '../config/index.js';
import { FakeEdgeLink } from '../metamanager/fake-edge-link.js';
import { openMetaStore } from '../metamanager/meta-store.js';
import { createEdged } from './edged.js';
import { NO_RUNTIME_REASON } from './no-runtime.js';

// The runtime path is covered by test/e2e/src/edged (real containerd); here: edged switched off.
describe('edged with enable: false', () => {
  it('reports cached and new pods as waiting for a runtime, and finishes deletions', async () => {
    const cfg = loadEdgeConfig(undefined, { dataDir: '/nonexistent-kedge-test', edged: { enable: false } });
    const store = openMetaStore({ path: ':memory:' });
    const link = new FakeEdgeLink();
    const pod = (name: string, extra: Record<string, unknown> = {}) => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '1', ...extra }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i:1' }] },
    });
    store.put(pod('cached'), 'pod');
    const lines: string[] = [];
    const edged = createEdged({ config: cfg.edged, dataDir: cfg.dataDir, nodeName: 'n1', link, store, log: silentLogger(), out: (l) => lines.push(l) });
    const ac = new AbortController();
    const running = edged.start(ac.signal);
    await new Promise((r) => setImmediate(r));
    edged.onObject('insert', 'pod', pod('fresh'));
    edged.onObject('update', 'pod', pod('going', { deletionTimestamp: '2026-01-01T00:00:00Z' }));
    ac.abort();
    await running;
    store.close();
    const byRes = new Map(link.sent.map((m) => [`${m.route.operation} ${m.route.resource}`, m.content as any]));
    assert.equal(byRes.get('update ns/podstatus/cached')?.Status.containerStatuses[0].state.waiting.reason, NO_RUNTIME_REASON);
    assert.equal(byRes.get('update ns/podstatus/fresh')?.Status.phase, 'Pending');
    assert.deepEqual(byRes.get('delete ns/pod/going'), { gracePeriodSeconds: 0, preconditions: { uid: 'uid-going' } });
    assert.deepEqual(lines, []);
  });
});
