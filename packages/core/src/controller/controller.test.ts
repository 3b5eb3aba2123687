import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ResourceRef } from '@kedge/api';
import { R } from '@kedge/api';
import { silentLogger } from '../log/logger.js';
import { Controller, TerminalError, byControllerOwner, byKey } from './controller.js';
import { createWorkQueue } from '../work-queue/work-queue.js';
import { waitFor } from '../testing/harness.js';
import type { EventHandler, Informer } from './types.js';

/** Minimal informer: the controller only needs on() and waitForSync() from it. */
function stubInformer(): Informer & { fire: EventHandler<KubeObject> } {
  const handlers: EventHandler<KubeObject>[] = [];
  return {
    resource: R.pods as ResourceRef,
    start: async () => {},
    hasSynced: () => true,
    waitForSync: async () => {},
    get: () => undefined,
    list: () => [],
    addIndex: () => {},
    byIndex: () => [],
    on: (h) => { handlers.push(h); },
    fire: {
      add: (o) => handlers.forEach((h) => h.add?.(o)),
      update: (a, b) => handlers.forEach((h) => h.update?.(a, b)),
      delete: (o) => handlers.forEach((h) => h.delete?.(o)),
    },
  };
}

const pod = (name: string, owner?: string): KubeObject => ({
  metadata: { name, namespace: 'ns', resourceVersion: '1', ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: 'u', controller: true }] } : {}) },
});

test('key mappers', () => {
  assert.equal(byKey(pod('p')), 'ns/p');
  assert.equal(byKey({ metadata: { name: 'n1' } }), 'n1');
  assert.equal(byControllerOwner('ReplicaSet')(pod('p', 'rs1')), 'ns/rs1');
  assert.equal(byControllerOwner('Deployment')(pod('p', 'rs1')), undefined);
  assert.equal(byControllerOwner('ReplicaSet')(pod('p')), undefined);
});

test('reconciles enqueued keys, retries errors with backoff, drops terminal errors, honours requeueAfter', async () => {
  const calls: string[] = [];
  let failures = 2;
  const inf = stubInformer();
  const c = new Controller({
    name: 't',
    log: silentLogger(),
    workers: 2,
    queue: createWorkQueue({ baseDelayMs: 5 }),
    reconciler: {
      async reconcile(key) {
        calls.push(key);
        if (key === 'ns/flaky' && failures-- > 0) throw new Error('boom');
        if (key === 'ns/bad') throw new TerminalError('nope');
        if (key === 'ns/poll' && calls.filter((k) => k === key).length < 3) return { requeueAfterMs: 5 };
        return undefined;
      },
    },
  }).watch(inf, byKey);
  const ac = new AbortController();
  const run = c.start(ac.signal);
  inf.fire.add!(pod('a'));
  inf.fire.add!(pod('flaky'));
  inf.fire.add!(pod('bad'));
  inf.fire.add!(pod('poll'));
  await waitFor(() => calls.filter((k) => k === 'ns/flaky').length === 3 && calls.filter((k) => k === 'ns/poll').length === 3, 'three reconciles of each key', 2000);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(calls.filter((k) => k === 'ns/a').length, 1);
  assert.equal(calls.filter((k) => k === 'ns/bad').length, 1, 'terminal errors are not retried');
  assert.equal(calls.filter((k) => k === 'ns/flaky').length, 3);
  ac.abort();
  await run;
});

test('update with a changed owner enqueues both old and new owners', async () => {
  const seen = new Set<string>();
  const inf = stubInformer();
  const c = new Controller({ name: 't', log: silentLogger(), reconciler: { async reconcile(k) { seen.add(k); } } })
    .watch(inf, byControllerOwner('ReplicaSet'));
  const ac = new AbortController();
  const run = c.start(ac.signal);
  const newer = pod('p', 'rs2');
  newer.metadata.resourceVersion = '2';
  inf.fire.update!(pod('p', 'rs1'), newer);
  await waitFor(() => seen.size === 2, 'both keys', 2000);
  assert.deepEqual([...seen].sort(), ['ns/rs1', 'ns/rs2']);
  ac.abort();
  await run;
});
