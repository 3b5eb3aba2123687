import { ApiError, apiVersionOf, isExpired, type KubeObject, type ResourceRef } from '@kedge/api';
import type { Logger } from 'pino';
import type { KubeClient } from '../client/types.js';
import type { EventHandler, Informer, InformerOptions } from '../controller/types.js';
import { IndexedCache } from './cache.js';
import { sleep } from '../module/sleep.js';

export interface ListWatchOptions extends InformerOptions {
  /** 0 disables periodic resync (update(obj, obj) for every cached object). */
  resyncMs?: number;
  /** Backoff after failures: doubles from min to max, with ±50% jitter. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  pageSize?: number;
  /**
   * Applied to every listed or watched object before it is cached and handed to handlers (client-go's
   * SetTransform): strip fields the consumer never reads, such as managedFields or Node images, so a
   * cache of thousands of objects holds only what is used. Must not mutate its input.
   */
  transform?: (obj: KubeObject) => KubeObject;
}

/**
 * client-go's reflector + indexer: list (paged), watch from the list's resourceVersion, rewatch from the
 * last seen RV when a stream ends, relist on 410 Expired, back off with jitter on any failure.
 */
export class ListWatchInformer<T extends KubeObject = KubeObject> implements Informer<T> {
  private readonly cache: IndexedCache<T>;
  private synced = false;
  private readonly syncWaiters: Array<() => void> = [];
  private readonly log: Logger;

  constructor(
    private readonly client: KubeClient,
    readonly resource: ResourceRef,
    log: Logger,
    private readonly opts: ListWatchOptions = {},
  ) {
    this.log = log.child({ informer: resource.group ? `${resource.resource}.${resource.group}` : resource.resource });
    this.cache = new IndexedCache<T>((err) => this.log.error({ err }, 'event handler threw'));
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(new ApiError('ServiceUnavailable', `informer ${this.resource.resource} not synced before shutdown`));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(namespace?: string): T[] {
    return namespace ? this.cache.byIndex('namespace', namespace) : this.cache.values();
  }

  addIndex(name: string, fn: (obj: T) => string[]): void {
    this.cache.addIndex(name, fn);
  }

  byIndex(name: string, value: string): T[] {
    return this.cache.byIndex(name, value);
  }

  on(handler: EventHandler<T>): void {
    this.cache.on(handler);
  }

  async start(signal: AbortSignal): Promise<void> {
    const minBackoff = this.opts.minBackoffMs ?? 200;
    const maxBackoff = this.opts.maxBackoffMs ?? 30_000;
    let backoff = minBackoff;
    let rv: string | undefined;
    const resync = this.opts.resyncMs ? setInterval(() => this.cache.resync(), this.opts.resyncMs) : undefined;
    resync?.unref();
    const wait = async () => {
      await sleep(backoff * (0.5 + Math.random()), signal);
      backoff = Math.min(maxBackoff, backoff * 2);
    };
    try {
      while (!signal.aborted) {
        try {
          if (rv === undefined) rv = await this.relist(signal);
          const started = Date.now();
          let events = 0;
          rv = await this.watchFrom(rv, signal, () => events++);
          // A stream that closes at once without events (proxy, flapping server) must not spin.
          if (events === 0 && Date.now() - started < 1000) await wait();
          else backoff = minBackoff;
        } catch (err) {
          if (signal.aborted) break;
          if (isExpired(err)) {
            this.log.info({ rv }, 'watch expired, relisting');
            rv = undefined;
            continue;
          }
          this.log.warn({ err, rv }, 'list/watch failed, retrying');
          await wait();
        }
      }
    } finally {
      if (resync) clearInterval(resync);
    }
  }

  private async relist(signal: AbortSignal): Promise<string> {
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.client.list<T>(this.resource, this.opts.namespace, {
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
        limit: this.opts.pageSize ?? 500,
        ...(cont ? { continue: cont } : {}),
      });
      if (signal.aborted) throw new ApiError('ServiceUnavailable', 'aborted');
      items.push(...page.items);
      rv = page.metadata.resourceVersion ?? rv;
      cont = page.metadata.continue || undefined;
    } while (cont);
    this.cache.replace(items.map((o) => this.complete(o)));
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
    this.log.debug({ count: items.length, rv }, 'listed');
    return rv;
  }

  /**
   * What the cache stores for a listed or watched object: kind/apiVersion filled when missing (list items
   * carry none, and handlers build ObjectReferences from them), then the transform.
   */
  private complete(obj: T): T {
    const full = obj.kind ? obj : ({ ...obj, kind: this.resource.kind, apiVersion: apiVersionOf(this.resource) } as T);
    return this.opts.transform ? (this.opts.transform(full) as T) : full;
  }

  /** Watches until the stream ends; returns the last resourceVersion seen. */
  private async watchFrom(rv: string, signal: AbortSignal, onEvent: () => void): Promise<string> {
    const inner = new AbortController();
    const onAbort = () => inner.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const stream = this.client.watch<T>(
        this.resource,
        this.opts.namespace,
        {
          labelSelector: this.opts.labelSelector,
          fieldSelector: this.opts.fieldSelector,
          resourceVersion: rv,
          allowWatchBookmarks: true,
          timeoutSeconds: 300 + Math.floor(Math.random() * 300),
        },
        inner.signal,
      );
      for await (const ev of stream) {
        onEvent();
        if (ev.type === 'ERROR') throw ApiError.fromStatus(ev.object as never);
        const obj = ev.object;
        const next = obj?.metadata?.resourceVersion;
        if (ev.type !== 'BOOKMARK') {
          const full = this.complete(obj);
          if (ev.type === 'DELETED') this.cache.remove(full);
          else this.cache.upsert(full);
        }
        if (next) rv = next;
      }
      return rv;
    } finally {
      signal.removeEventListener('abort', onAbort);
      inner.abort();
    }
  }
}
