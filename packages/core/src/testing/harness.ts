import type { Logger } from 'pino';
import type { Module } from '../module/module.js';
import type { InformerFactory } from '../controller/types.js';
import { silentLogger } from '../log/logger.js';
import { createInformerFactory } from '../informer/informer-factory.js';
import { createEventRecorder, type FlushableEventRecorder } from '../events/event-recorder.js';
import { createFakeKube, type FakeKube } from './fake-kube.js';

/** Polls `cond` every 10 ms; rejects after `ms` naming `what`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Harness {
  client: FakeKube;
  informers: InformerFactory;
  log: Logger;
  recorder: FlushableEventRecorder;
  /** Starts informers plus `mods`; returns a stop function that aborts and awaits them. */
  run(...mods: Module[]): Promise<() => Promise<void>>;
}

/** Controller deps over an in-memory fake API (real informers, real recorder) for controller tests. */
export function createHarness(client: FakeKube = createFakeKube()): Harness {
  const log = silentLogger();
  const informers = createInformerFactory(client, log, { minBackoffMs: 10 });
  const recorder = createEventRecorder(client, 'test', log);
  return {
    client,
    informers,
    log,
    recorder,
    async run(...mods) {
      const ac = new AbortController();
      const all = [informers.start(ac.signal), ...mods.map((m) => m.start(ac.signal))];
      await informers.waitForSync(AbortSignal.timeout(5000));
      return async () => {
        ac.abort();
        await Promise.all(all);
      };
    },
  };
}
