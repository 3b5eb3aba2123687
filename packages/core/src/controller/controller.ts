import { randomUUID } from 'node:crypto';
import { objectKey, getControllerOf, isAlreadyExists, isConflict, isNotFound, type KubeObject } from '@kedge/api';
import type { Logger } from 'pino';
import type { Module } from '../module/module.js';
import type { Informer, KeyMapper, Reconciler, WorkQueue } from './types.js';
import { createWorkQueue } from '../work-queue/work-queue.js';

/** A reconcile failure that retrying cannot fix: logged, not requeued (controller-runtime's TerminalError). */
export class TerminalError extends Error {
  readonly isTerminalError = true;
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'TerminalError';
  }
}

export function isTerminalError(e: unknown): e is TerminalError {
  return typeof e === 'object' && e !== null && (e as { isTerminalError?: unknown }).isTerminalError === true;
}

/** The object's own key. */
export const byKey: KeyMapper = (obj) => objectKey(obj);

/** The key of the object's controller owner when it is of `kind` (same namespace), else nothing. */
export function byControllerOwner(kind: string): KeyMapper {
  return (obj: KubeObject) => {
    const ref = getControllerOf(obj);
    if (!ref || ref.kind !== kind) return undefined;
    return obj.metadata.namespace ? `${obj.metadata.namespace}/${ref.name}` : ref.name;
  };
}

export interface ControllerOptions {
  name: string;
  reconciler: Reconciler;
  log: Logger;
  workers?: number;
  queue?: WorkQueue;
}

/**
 * Level-triggered controller: informer handlers only enqueue keys; workers pull keys and call the
 * reconciler, which reads current state itself. Errors back off per key; TerminalErrors are dropped.
 */
export class Controller implements Module {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly reconciler: Reconciler;
  private readonly log: Logger;
  private readonly workers: number;
  private readonly informers: Informer<any>[] = [];

  constructor(opts: ControllerOptions) {
    this.name = opts.name;
    this.reconciler = opts.reconciler;
    this.log = opts.log.child({ controller: opts.name });
    this.workers = opts.workers ?? 1;
    this.queue = opts.queue ?? createWorkQueue();
  }

  watch<T extends KubeObject>(informer: Informer<T>, map: KeyMapper<T> = byKey as KeyMapper<T>): this {
    this.informers.push(informer);
    const enqueue = (obj: T) => {
      const keys = map(obj);
      if (keys === undefined) return;
      for (const k of Array.isArray(keys) ? keys : [keys]) this.enqueue(k);
    };
    informer.on({
      add: enqueue,
      update: (oldObj, newObj) => {
        // Periodic resyncs deliver unchanged objects; still enqueue (level-triggered), but map both
        // sides so a changed owner/selector also reaches the previous key.
        enqueue(newObj);
        if (oldObj.metadata.resourceVersion !== newObj.metadata.resourceVersion) enqueue(oldObj);
      },
      delete: enqueue,
    });
    return this;
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  async start(signal: AbortSignal): Promise<void> {
    const onAbort = () => this.queue.shutDown();
    if (signal.aborted) return;
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.all(this.informers.map((i) => i.waitForSync(signal)));
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    if (signal.aborted) return;
    this.log.info({ workers: this.workers }, 'controller started');
    await Promise.all(Array.from({ length: this.workers }, () => this.worker(signal)));
    signal.removeEventListener('abort', onAbort);
    this.log.info('controller stopped');
  }

  private async worker(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.processOne(key, signal);
    }
  }

  /** One reconcile of `key` with the queue bookkeeping; exposed for tests that drive a controller by hand. */
  async processOne(key: string, signal: AbortSignal): Promise<void> {
    // randomUUID draws from a buffered pool; randomBytes(4) was a synchronous RNG call per reconcile (1.5 s of the API
    // server's CPU during a 2 000-node join, docs/benchmarks.md CloudHub round 4).
    const log = this.log.child({ key, reconcileId: randomUUID().slice(0, 8) });
    try {
      const res = await this.reconciler.reconcile(key, signal);
      this.queue.forget(key);
      if (res && res.requeueAfterMs !== undefined && res.requeueAfterMs >= 0) this.queue.addAfter(key, res.requeueAfterMs);
      log.debug('reconciled');
    } catch (err) {
      if (signal.aborted) return;
      if (isTerminalError(err)) {
        this.queue.forget(key);
        log.error({ err }, 'reconcile failed permanently');
      } else if (isConflict(err) || isNotFound(err) || isAlreadyExists(err)) {
        // A stale cache is the normal cause: the retry reads the newer object, so this is not worth a warning.
        log.debug({ err }, 'reconcile raced a concurrent write, will retry');
        this.queue.addRateLimited(key);
      } else {
        log.warn({ err }, 'reconcile failed, will retry');
        this.queue.addRateLimited(key);
      }
    } finally {
      this.queue.done(key);
    }
  }
}
