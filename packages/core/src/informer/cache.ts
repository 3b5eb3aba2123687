import { deepFreeze, objectKey, type KubeObject } from '@kedge/api';
import type { EventHandler } from '../controller/types.js';

// Objects handed out by the cache are frozen so a controller mutating one fails loudly instead of corrupting it.
// Re-exported so `@kedge/core` users keep importing it from here.
export { deepFreeze };

/** Keyed store with secondary indexes; notifies handlers of every effective change. */
export class IndexedCache<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, (obj: T) => string[]>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();
  private readonly handlers: EventHandler<T>[] = [];

  constructor(private readonly onHandlerError: (err: unknown) => void) {
    this.addIndex('namespace', (o) => (o.metadata.namespace ? [o.metadata.namespace] : []));
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  values(): T[] {
    return [...this.items.values()];
  }

  size(): number {
    return this.items.size;
  }

  addIndex(name: string, fn: (obj: T) => string[]): void {
    this.indexers.set(name, fn);
    const idx = new Map<string, Set<string>>();
    this.indices.set(name, idx);
    for (const [k, o] of this.items) for (const v of fn(o)) this.bucket(idx, v).add(k);
  }

  byIndex(name: string, value: string): T[] {
    const idx = this.indices.get(name);
    if (!idx) throw new Error(`informer: no index named ${name}`);
    return [...(idx.get(value) ?? [])].map((k) => this.items.get(k)!).filter(Boolean);
  }

  on(h: EventHandler<T>): void {
    this.handlers.push(h);
    // A late handler still sees every object once, like client-go's AddEventHandler.
    for (const o of this.items.values()) this.call(() => h.add?.(o));
  }

  /** Apply an upsert; returns false when the stored object already has this resourceVersion. */
  upsert(obj: T): boolean {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) return false;
    deepFreeze(obj);
    this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    for (const h of this.handlers) this.call(() => (old ? h.update?.(old, obj) : h.add?.(obj)));
    return true;
  }

  remove(obj: T): void {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (!old) return;
    this.unindex(key, old);
    this.items.delete(key);
    const last = deepFreeze(obj.metadata.resourceVersion ? obj : old);
    for (const h of this.handlers) this.call(() => h.delete?.(last));
  }

  /** Replace the whole content after a (re)list: emits adds, updates and deletes for the difference. */
  replace(objs: T[]): void {
    const seen = new Set<string>();
    for (const o of objs) {
      seen.add(objectKey(o));
      this.upsert(o);
    }
    for (const [k, o] of [...this.items]) if (!seen.has(k)) this.remove(o);
  }

  /** Periodic resync: update(obj, obj) for everything, so level-triggered controllers re-check. */
  resync(): void {
    for (const o of this.items.values()) for (const h of this.handlers) this.call(() => h.update?.(o, o));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onHandlerError(err);
    }
  }

  private bucket(idx: Map<string, Set<string>>, v: string): Set<string> {
    let s = idx.get(v);
    if (!s) idx.set(v, (s = new Set()));
    return s;
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) for (const v of fn(obj)) this.bucket(this.indices.get(name)!, v).add(key);
  }

  private unindex(key: string, obj: T | undefined): void {
    if (!obj) return;
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const s = idx.get(v);
        s?.delete(key);
        if (s?.size === 0) idx.delete(v);
      }
    }
  }
}
