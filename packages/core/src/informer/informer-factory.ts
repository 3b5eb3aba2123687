import type { KubeObject, ResourceRef } from '@kedge/api';
import type { Logger } from 'pino';
import type { KubeClient } from '../client/types.js';
import type { Informer, InformerFactory, InformerOptions } from '../controller/types.js';
import { ListWatchInformer } from './informer.js';
import { untilAborted } from '../module/sleep.js';

export interface InformerFactoryOptions {
  /** Periodic resync of every informer; 0/undefined = off. */
  resyncMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Per-resource cache transforms (see ListWatchOptions.transform), keyed by `resourceKey(ref)`. */
  transforms?: Record<string, (obj: KubeObject) => KubeObject>;
}

/** `<group>/<resource>` (`/nodes` for the core group): the key of InformerFactoryOptions.transforms. */
export const resourceKey = (r: ResourceRef): string => `${r.group ?? ''}/${r.resource}`;

/** One shared informer per (resource, namespace, selectors); informers created after start() start at once. */
export function createInformerFactory(client: KubeClient, log: Logger, opts: InformerFactoryOptions = {}): InformerFactory {
  const informers = new Map<string, ListWatchInformer<any>>();
  const running: Promise<void>[] = [];
  let signal: AbortSignal | undefined;
  const flog = log.child({ module: 'informers' });

  const run = (inf: ListWatchInformer<any>, s: AbortSignal) => {
    running.push(inf.start(s).catch((err) => flog.error({ err, resource: inf.resource.resource }, 'informer crashed')));
  };

  return {
    informer<T extends KubeObject = KubeObject>(r: ResourceRef, o: InformerOptions = {}): Informer<T> {
      const key = JSON.stringify([r.group, r.version, r.resource, o.namespace ?? '', o.labelSelector ?? '', o.fieldSelector ?? '']);
      let inf = informers.get(key);
      if (!inf) {
        const transform = opts.transforms?.[resourceKey(r)];
        inf = new ListWatchInformer<T>(client, r, flog, { ...opts, ...o, ...(transform ? { transform } : {}) });
        informers.set(key, inf);
        if (signal && !signal.aborted) run(inf, signal);
      }
      return inf as Informer<T>;
    },
    async start(s: AbortSignal): Promise<void> {
      signal = s;
      for (const inf of informers.values()) run(inf, s);
      await untilAborted(s);
      await Promise.all(running);
    },
    async waitForSync(s?: AbortSignal): Promise<void> {
      await Promise.all([...informers.values()].map((i) => i.waitForSync(s)));
    },
  };
}
