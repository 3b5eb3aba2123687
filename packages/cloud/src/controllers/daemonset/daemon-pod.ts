import { R, type KubeObject } from '@kedge/api';
import { ownerRefTo } from '../replicaset/claim.js';
import { daemonTolerations } from './node-eligibility.js';

export const REVISION_HASH_LABEL = 'controller-revision-hash';
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/**
 * The daemon pod for `nodeName`: pinned by required node affinity on `metadata.name` so the
 * scheduler binds it (upstream ReplaceDaemonSetPodNodeNameNodeAffinity), with daemon tolerations.
 */
export function daemonPodFor(ds: KubeObject, nodeName: string, hash: string): KubeObject {
  const t = ds.spec?.template ?? {};
  const spec = structuredClone(t.spec ?? {});
  const nodeAffinity = { ...(spec.affinity?.nodeAffinity ?? {}) };
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
  spec.affinity = { ...(spec.affinity ?? {}), nodeAffinity };
  spec.tolerations = daemonTolerations(t.spec);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash, [TEMPLATE_GENERATION_LABEL]: String(ds.metadata.generation ?? 1) },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      ownerReferences: [ownerRefTo(ds, R.daemonsets)],
    },
    spec,
  };
}

/** The node a daemon pod is for: its binding, else the node its required affinity pins (upstream GetTargetNodeName). */
export function targetNodeName(pod: KubeObject): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}
