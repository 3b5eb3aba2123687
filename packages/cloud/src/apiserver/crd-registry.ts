import type { KubeObject } from '@kedge/api';
import type { Logger } from 'pino';
import type { Backend, StorageEvent, Watcher } from '../storage/types.js';
import { decodeKv, storagePrefixFor } from './object-store.js';
import type { Registry } from './registry/registry.js';

/**
 * Keeps the registry in step with the CRDs in storage. Storage watch callbacks run synchronously
 * right after commit, so a CRD's resources are served before its create request is answered.
 */
export class CrdRegistry {
  private watcher: Watcher | undefined;
  private readonly prefix = storagePrefixFor('apiextensions.k8s.io', 'customresourcedefinitions');
  private cleanups = new Set<Promise<void>>();

  constructor(private readonly backend: Backend, private readonly registry: Registry, private readonly log: Logger) {}

  async start(): Promise<void> {
    const page = await this.backend.list(this.prefix);
    for (const kv of page.items) this.apply(decodeKv(kv));
    this.watcher = this.backend.watch(this.prefix, page.revision, (ev) => this.onEvent(ev));
  }

  async stop(): Promise<void> {
    this.watcher?.stop();
    this.watcher = undefined;
    await Promise.allSettled([...this.cleanups]);
  }

  private apply(crd: KubeObject): void {
    if (!this.registry.setCRD(crd)) this.log.warn({ crd: crd.metadata.name }, 'crd names clash with a built-in resource; not served');
  }

  private onEvent(ev: StorageEvent): void {
    try {
      const crd = decodeKv(ev.kv);
      if (ev.type !== 'delete') {
        this.apply(crd);
        return;
      }
      this.registry.removeCRD(String(crd.metadata.name));
      const group = String(crd.spec?.group ?? '');
      const plural = String(crd.spec?.names?.plural ?? '');
      if (group && plural) this.track(this.deleteAll(storagePrefixFor(group, plural)));
    } catch (err) {
      this.log.error({ err, key: ev.kv.key }, 'bad crd in storage');
    }
  }

  private track(p: Promise<void>): void {
    this.cleanups.add(p);
    void p.finally(() => this.cleanups.delete(p));
  }

  /** Deleting a CRD deletes its custom resources (upstream's customresourcecleanup finalizer). */
  private async deleteAll(prefix: string): Promise<void> {
    try {
      const page = await this.backend.list(prefix);
      for (const kv of page.items) {
        try {
          await this.backend.delete(kv.key);
        } catch {
          // already gone or changed concurrently: it is being deleted anyway
        }
      }
      this.log.info({ prefix, count: page.items.length }, 'deleted custom resources of removed crd');
    } catch (err) {
      this.log.warn({ err, prefix }, 'custom resource cleanup failed');
    }
  }
}
