import { R, objectKey, type KubeObject, type ResourceRef } from '@kedge/api';
import type { EventHandler, EventRecorder, Informer } from '@kedge/core';
import type { FakeKube } from '@kedge/core/testing/index.js';
import { isPodReady } from './pod-utils.js';
import { isoSeconds } from './replicaset-status.js';

/**
 * Test-only Informer that reads the fake API's store directly: an always-fresh cache, so reconcilers
 * can be driven by hand one step at a time. `freeze()` pins a snapshot to simulate a lagging cache.
 */
export interface StoreInformer<T extends KubeObject = KubeObject> extends Informer<T> {
  freeze(): void;
  thaw(): void;
}

export function storeInformer<T extends KubeObject = KubeObject>(fake: FakeKube, r: ResourceRef): StoreInformer<T> {
  let frozen: T[] | undefined;
  const items = (): T[] => frozen ?? fake.all<T>(r);
  const handlers: EventHandler<T>[] = [];
  return {
    resource: r,
    async start() {},
    hasSynced: () => true,
    async waitForSync() {},
    get: (k) => items().find((o) => objectKey(o) === k),
    list: (ns) => items().filter((o) => !ns || o.metadata.namespace === ns),
    addIndex() {},
    byIndex: () => [],
    on: (h) => { handlers.push(h); },
    freeze() { frozen = fake.all<T>(r); },
    thaw() { frozen = undefined; },
  };
}

export function recordingRecorder(): EventRecorder & { events: Array<{ type: string; reason: string; message: string }> } {
  const events: Array<{ type: string; reason: string; message: string }> = [];
  return { events, event: (_o, type, reason, message) => { events.push({ type, reason, message }); } };
}

/** Plays kubelet: binds, runs and readies a pod (Ready since `readyAt`). */
export async function markPodReady(fake: FakeKube, pod: KubeObject, readyAt: number, node = 'node-1'): Promise<void> {
  const cur = fake.peek(R.pods, pod.metadata.namespace, String(pod.metadata.name));
  if (!cur) return;
  if (!cur.spec?.nodeName) await fake.update(R.pods, { ...cur, spec: { ...cur.spec, nodeName: node } });
  const fresh = fake.peek(R.pods, pod.metadata.namespace, String(pod.metadata.name))!;
  const t = isoSeconds(readyAt);
  await fake.update(R.pods, {
    ...fresh,
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }, { type: 'PodScheduled', status: 'True', lastTransitionTime: t }] },
  }, { subresource: 'status' });
}

export async function markAllPodsReady(fake: FakeKube, namespace: string, readyAt: number): Promise<void> {
  for (const p of fake.all(R.pods, namespace)) {
    if (!isPodReady(p)) await markPodReady(fake, p, readyAt);
  }
}

/** A user edit: the real API server bumps generation when spec changes; the fake does not. */
export async function editSpec(fake: FakeKube, r: ResourceRef, namespace: string, name: string, change: (o: KubeObject) => void): Promise<KubeObject> {
  const cur = fake.peek(r, namespace, name)!;
  change(cur);
  cur.metadata.generation = (cur.metadata.generation ?? 1) + 1;
  return fake.update(r, cur);
}
