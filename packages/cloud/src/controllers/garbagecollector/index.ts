import type { KubeObject } from '@kedge/api';
import type { Module } from '@kedge/core';
import { Controller } from '@kedge/core/controller/index.js';
import type { ControllerDeps } from '../types.js';
import { GarbageCollector } from './garbage-collector.js';

export { GarbageCollector, gcResources, gcKey } from './garbage-collector.js';

export interface GarbageCollectorConfig {
  recheckMs?: number;
}

export function createGarbageCollectorController(deps: ControllerDeps, cfg: GarbageCollectorConfig = {}): Module {
  const log = deps.log.child({ module: 'garbagecollector' });
  const gc = new GarbageCollector({ client: deps.client, informers: deps.informers, log, recheckMs: cfg.recheckMs });
  const c = new Controller({ name: 'garbagecollector', reconciler: gc, log, workers: 2 });
  for (const { r, inf } of gc.informers.values()) c.watch(inf, (o: KubeObject) => gc.related(r, o));
  return c;
}
