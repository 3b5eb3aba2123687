import { apiVersionOf, isNotFound, type KubeObject, type OwnerReference, type ResourceRef } from '@kedge/api';
import type { KubeClient } from '@kedge/core';
import type { Logger } from 'pino';

/** Controller owner reference to `owner` of resource `r`; built from `r` because cached list items may lack apiVersion/kind. */
export function ownerRefTo(owner: KubeObject, r: ResourceRef): OwnerReference {
  return {
    apiVersion: apiVersionOf(r),
    kind: r.kind,
    name: String(owner.metadata.name),
    uid: String(owner.metadata.uid),
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface ClaimOptions {
  client: KubeClient;
  log: Logger;
  owner: KubeObject;
  ownerResource: ResourceRef;
  /** Resource of the candidates (pods, replicasets). */
  resource: ResourceRef;
  candidates: KubeObject[];
  matches: (obj: KubeObject) => boolean;
}

/**
 * Upstream ControllerRefManager: returns the candidates `owner` controls after adopting matching
 * orphans and releasing owned objects that no longer match. Objects controlled by someone else are
 * never touched. Writes are conditional on resourceVersion, so a stale cache makes them Conflict.
 */
export async function claimObjects(o: ClaimOptions): Promise<KubeObject[]> {
  const ownerUid = o.owner.metadata.uid;
  const ownerDeleting = Boolean(o.owner.metadata.deletionTimestamp);
  const claimed: KubeObject[] = [];
  for (const c of o.candidates) {
    const ref = c.metadata.ownerReferences?.find((r) => r.controller === true);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (o.matches(c)) {
        claimed.push(c);
        continue;
      }
      if (ownerDeleting) continue;
      const next = structuredClone(c) as KubeObject;
      next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
      try {
        await o.client.update(o.resource, next);
        o.log.info({ [o.resource.kind.toLowerCase()]: c.metadata.name }, 'released object that no longer matches selector');
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      continue;
    }
    if (ownerDeleting || c.metadata.deletionTimestamp || !o.matches(c)) continue;
    const next = structuredClone(c) as KubeObject;
    next.metadata.ownerReferences = [...(next.metadata.ownerReferences ?? []), ownerRefTo(o.owner, o.ownerResource)];
    try {
      claimed.push(await o.client.update(o.resource, next));
      o.log.info({ [o.resource.kind.toLowerCase()]: c.metadata.name }, 'adopted orphan');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return claimed;
}
