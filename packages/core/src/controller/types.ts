import type { KubeObject, ResourceRef } from '@kedge/api';

/** Callbacks an informer calls after its cache changed. Objects are frozen: clone before changing. */
export interface EventHandler<T extends KubeObject> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

/**
 * A list+watch cache of one resource (client-go's shared informer): lists, then watches from the list's
 * resourceVersion, relists on 410 Expired, and reconnects with backoff when the watch breaks.
 */
export interface Informer<T extends KubeObject = KubeObject> {
  readonly resource: ResourceRef;
  /** Runs the list/watch loop until `signal` aborts. */
  start(signal: AbortSignal): Promise<void>;
  hasSynced(): boolean;
  /** Resolves after the first list has filled the cache. */
  waitForSync(signal?: AbortSignal): Promise<void>;
  /** By "ns/name" (or "name" for cluster-scoped). */
  get(key: string): T | undefined;
  list(namespace?: string): T[];
  addIndex(name: string, fn: (obj: T) => string[]): void;
  byIndex(name: string, value: string): T[];
  on(handler: EventHandler<T>): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Shares one informer per (resource, options) among controllers. */
export interface InformerFactory {
  informer<T extends KubeObject = KubeObject>(r: ResourceRef, opts?: InformerOptions): Informer<T>;
  /** Starts every informer created so far (and later ones on creation); resolves after abort. */
  start(signal: AbortSignal): Promise<void>;
  waitForSync(signal?: AbortSignal): Promise<void>;
}

/** Deduplicating, rate-limited queue of dirty keys; a key is never handed to two workers at once. */
export interface WorkQueue {
  add(key: string): void;
  addAfter(key: string, delayMs: number): void;
  /** Exponential per-key backoff (100 ms doubling up to 5 min). */
  addRateLimited(key: string): void;
  forget(key: string): void;
  /** Next key, or undefined once shut down. Call done(key) when finished with it. */
  get(): Promise<string | undefined>;
  done(key: string): void;
  len(): number;
  shutDown(): void;
}

export interface Result {
  requeueAfterMs?: number;
}

/** Level-triggered: given a key, read the current state from caches and converge. Throw to retry with backoff. */
export interface Reconciler {
  reconcile(key: string, signal: AbortSignal): Promise<Result | void>;
}

/** Maps a changed object to the keys to reconcile (itself, its controller owner, ...). */
export type KeyMapper<T extends KubeObject = KubeObject> = (obj: T) => string | string[] | undefined;

/** Records Kubernetes Events (core/v1) about an object; failures are logged, never thrown. */
export interface EventRecorder {
  event(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}
