import { R, isConflict, isNotFound, objectKey, wellKnown, type KubeObject, type OwnerReference, type ResourceRef } from '@kedge/api';
import type { Informer, InformerFactory, KubeClient, Reconciler, Result } from '@kedge/core';
import type { Logger } from 'pino';

/** Kinds the collector tracks as owners and dependents (CRs are not covered yet). */
export const gcResources: ResourceRef[] = [
  R.pods, R.replicasets, R.deployments, R.daemonsets, R.configmaps, R.secrets, R.services, R.endpoints, R.serviceaccounts, R.leases, R.nodes, R.namespaces,
];

const resId = (r: ResourceRef) => (r.group ? `${r.resource}.${r.group}` : r.resource);

export interface GcDeps {
  client: KubeClient;
  informers: InformerFactory;
  log: Logger;
  /** Recheck interval while a foreground deletion waits for dependents. */
  recheckMs?: number;
}

/** Work-queue key for an object of resource `r`: "<resource>|<ns/name>". */
export const gcKey = (r: ResourceRef, obj: KubeObject) => `${resId(r)}|${objectKey(obj)}`;

export class GarbageCollector implements Reconciler {
  readonly informers = new Map<string, { r: ResourceRef; inf: Informer }>();
  private readonly byKind = new Map<string, ResourceRef>();

  constructor(private readonly d: GcDeps) {
    for (const r of gcResources) {
      const inf = d.informers.informer(r);
      inf.addIndex('uid', (o) => (o.metadata.uid ? [o.metadata.uid] : []));
      inf.addIndex('owner', (o) => (o.metadata.ownerReferences ?? []).map((x) => x.uid));
      this.informers.set(resId(r), { r, inf });
      this.byKind.set(`${r.group}/${r.kind}`, r);
    }
  }

  /** Keys to reconcile when `obj` of `r` changes: itself, its dependents and its owners. */
  related(r: ResourceRef, obj: KubeObject): string[] {
    const keys = [gcKey(r, obj)];
    if (obj.metadata.uid) keys.push(...this.dependents(obj.metadata.uid).map((x) => gcKey(x.r, x.obj)));
    for (const ref of obj.metadata.ownerReferences ?? []) for (const o of this.findByUid(ref.uid)) keys.push(gcKey(o.r, o.obj));
    return keys;
  }

  async reconcile(key: string): Promise<Result | void> {
    const [rid, k] = [key.slice(0, key.indexOf('|')), key.slice(key.indexOf('|') + 1)];
    const entry = this.informers.get(rid);
    const obj = entry?.inf.get(k);
    if (!entry || !obj) return;
    if (obj.metadata.deletionTimestamp) {
      const fins = obj.metadata.finalizers ?? [];
      if (fins.includes(wellKnown.finalizerOrphan)) return this.orphan(entry.r, obj);
      if (fins.includes(wellKnown.finalizerForeground)) return this.foreground(entry.r, obj);
    }
    await this.collectIfOrphaned(entry.r, obj);
  }

  private dependents(uid: string): Array<{ r: ResourceRef; obj: KubeObject }> {
    const out: Array<{ r: ResourceRef; obj: KubeObject }> = [];
    for (const { r, inf } of this.informers.values()) for (const obj of inf.byIndex('owner', uid)) out.push({ r, obj });
    return out;
  }

  private findByUid(uid: string): Array<{ r: ResourceRef; obj: KubeObject }> {
    const out: Array<{ r: ResourceRef; obj: KubeObject }> = [];
    for (const { r, inf } of this.informers.values()) for (const obj of inf.byIndex('uid', uid)) out.push({ r, obj });
    return out;
  }

  private refResource(ref: OwnerReference): ResourceRef | undefined {
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0]! : '';
    return this.byKind.get(`${group}/${ref.kind}`);
  }

  /** Whether the owner exists; the cache is checked first, absence is confirmed with a live GET (informer lag). */
  private async ownerExists(dep: KubeObject, ref: OwnerReference): Promise<boolean> {
    const r = this.refResource(ref);
    if (!r) return true; // Unknown kinds (CRs) cannot be verified: never collect on a guess.
    // A namespaced owner must live in the dependent's namespace; one elsewhere does not count.
    const ns = r.namespaced ? dep.metadata.namespace : undefined;
    if (r.namespaced && !ns) return false;
    const cached = this.informers.get(resId(r))!.inf.get(ns ? `${ns}/${ref.name}` : ref.name);
    if (cached?.metadata.uid === ref.uid) return true;
    try {
      const live = await this.d.client.get(r, ns, ref.name);
      return live.metadata.uid === ref.uid;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  private async collectIfOrphaned(r: ResourceRef, obj: KubeObject): Promise<void> {
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0 || obj.metadata.deletionTimestamp) return;
    for (const ref of refs) if (await this.ownerExists(obj, ref)) return;
    this.d.log.info({ object: gcKey(r, obj) }, 'deleting object whose owners are gone');
    await this.d.client.delete(r, obj.metadata.namespace, obj.metadata.name!, { propagationPolicy: 'Background', preconditions: { uid: obj.metadata.uid } }).catch(ignoreGone);
  }

  private async orphan(r: ResourceRef, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid!;
    for (const dep of this.dependents(uid)) {
      const refs = (dep.obj.metadata.ownerReferences ?? []).filter((x) => x.uid !== uid);
      await this.d.client.patch(dep.r, dep.obj.metadata.namespace, dep.obj.metadata.name!, 'merge', {
        metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: dep.obj.metadata.resourceVersion },
      }).catch(ignoreGone);
    }
    await this.removeFinalizer(r, owner, wellKnown.finalizerOrphan);
  }

  private async foreground(r: ResourceRef, owner: KubeObject): Promise<Result | void> {
    const uid = owner.metadata.uid!;
    const deps = this.dependents(uid);
    for (const dep of deps) {
      if (dep.obj.metadata.deletionTimestamp) continue;
      const hasOwn = this.dependents(dep.obj.metadata.uid!).length > 0;
      await this.d.client.delete(dep.r, dep.obj.metadata.namespace, dep.obj.metadata.name!, {
        propagationPolicy: hasOwn ? 'Foreground' : 'Background',
        preconditions: { uid: dep.obj.metadata.uid },
      }).catch(ignoreGone);
    }
    const blocking = deps.filter((x) => x.obj.metadata.ownerReferences?.some((o) => o.uid === uid && o.blockOwnerDeletion));
    if (blocking.length > 0) return { requeueAfterMs: this.d.recheckMs ?? 1000 };
    await this.removeFinalizer(r, owner, wellKnown.finalizerForeground);
  }

  private async removeFinalizer(r: ResourceRef, obj: KubeObject, fin: string): Promise<void> {
    const next = structuredClone(obj) as KubeObject;
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== fin);
    await this.d.client.update(r, next).catch(ignoreGone);
  }
}

function ignoreGone(err: unknown): void {
  // NotFound: already gone. Conflict on a uid precondition: a new object took the name.
  if (isNotFound(err)) return;
  if (isConflict(err) && /Precondition/.test((err as Error).message)) return;
  throw err;
}
