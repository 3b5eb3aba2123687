import { R, isNotFound, wellKnown, type KubeObject, type ResourceRef } from '@kedge/api';
import type { KubeClient, Module, Result } from '@kedge/core';
import { Controller } from '@kedge/core/controller/index.js';
import type { ControllerDeps } from '../types.js';

interface ApiResource { name: string; namespaced: boolean; kind: string; verbs?: string[] }

/** Every namespaced, deletable, listable resource the server announces (built-ins and CRs), via legacy discovery. */
export async function discoverNamespaced(client: KubeClient): Promise<ResourceRef[]> {
  const out: ResourceRef[] = [];
  const add = (group: string, version: string, list: ApiResource[]) => {
    for (const r of list) {
      if (!r.namespaced || r.name.includes('/')) continue;
      if (r.verbs && !(r.verbs.includes('delete') && r.verbs.includes('list'))) continue;
      out.push({ group, version, resource: r.name, kind: r.kind, namespaced: true });
    }
  };
  const core = await client.raw<{ resources: ApiResource[] }>('GET', '/api/v1');
  add('', 'v1', core.resources ?? []);
  const groups = await client.raw<{ groups: Array<{ name: string; preferredVersion?: { version: string }; versions: Array<{ version: string }> }> }>('GET', '/apis');
  for (const g of groups.groups ?? []) {
    const version = g.preferredVersion?.version ?? g.versions[0]?.version;
    if (!version) continue;
    const list = await client.raw<{ resources: ApiResource[] }>('GET', `/apis/${g.name}/${version}`);
    add(g.name, version, list.resources ?? []);
  }
  return out;
}

export interface NamespaceConfig {
  /** Wait between checks while objects are still going away. */
  recheckMs?: number;
}

/** Empties a Terminating namespace, then removes the `kubernetes` finalizer through namespaces/finalize. */
export function createNamespaceController(deps: ControllerDeps, cfg: NamespaceConfig = {}): Module {
  const log = deps.log.child({ module: 'namespace' });
  const namespaces = deps.informers.informer(R.namespaces);
  const reconciler = {
    async reconcile(name: string): Promise<Result | void> {
      const ns = namespaces.get(name);
      if (!ns?.metadata.deletionTimestamp) return;
      const remaining = await deleteAll(deps.client, name);
      if (remaining > 0) {
        log.debug({ namespace: name, remaining }, 'waiting for namespace contents to go');
        return { requeueAfterMs: cfg.recheckMs ?? 1500 };
      }
      const fresh = await deps.client.get(R.namespaces, undefined, name).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
      if (!fresh) return;
      const finalizers: string[] = fresh.spec?.finalizers ?? [];
      if (!finalizers.includes(wellKnown.finalizerKubernetes)) return;
      const next: KubeObject = { ...fresh, spec: { ...fresh.spec, finalizers: finalizers.filter((f) => f !== wellKnown.finalizerKubernetes) } };
      await deps.client.update(R.namespaces, next, { subresource: 'finalize' });
      log.info({ namespace: name }, 'namespace finalized');
    },
  };
  return new Controller({ name: 'namespace', reconciler, log }).watch(namespaces, (n: KubeObject) => n.metadata.name);
}

/** Deletes what is left; returns how many objects still exist (finalizers may hold them). */
async function deleteAll(client: KubeClient, ns: string): Promise<number> {
  let remaining = 0;
  for (const r of await discoverNamespaced(client)) {
    const list = await client.list(r, ns);
    for (const o of list.items) {
      remaining++;
      if (o.metadata.deletionTimestamp) continue;
      await client.delete(r, ns, o.metadata.name!, { propagationPolicy: 'Background' }).catch((e) => {
        if (!isNotFound(e)) throw e;
        remaining--;
      });
    }
  }
  return remaining;
}
