import { R, apiVersionOf, wellKnown, type KubeObject, type ResourceRef } from '@kedge/api';
import type { Informer, InformerFactory } from '@kedge/core';
import { podReferenceKeys, type PlacedType } from './references.js';

const POD_NODE_INDEX = 'edgecontroller.nodeName';
const POD_REF_INDEX = 'edgecontroller.references';

export const refOfType: Record<PlacedType, ResourceRef> = {
  pod: R.pods,
  configmap: R.configmaps,
  secret: R.secrets,
  node: R.nodes,
};

const typeByKind: Record<string, PlacedType> = { Pod: 'pod', ConfigMap: 'configmap', Secret: 'secret', Node: 'node' };

export function typeOfKind(kind: string | undefined): PlacedType | undefined {
  return kind ? typeByKind[kind] : undefined;
}

/** Queue key of a placed object: `{type}/{ns}/{name}`, or `node/{name}` for nodes. */
export function placedKey(type: PlacedType, namespace: string | undefined, name: string): string {
  return type === 'node' ? `node/${name}` : `${type}/${namespace}/${name}`;
}

export function parsePlacedKey(key: string): { type: PlacedType; namespace?: string; name: string } | undefined {
  const i = key.indexOf('/');
  const type = key.slice(0, i) as PlacedType;
  if (!(type in refOfType)) return undefined;
  const rest = key.slice(i + 1);
  if (type === 'node') return { type, name: rest };
  const j = rest.indexOf('/');
  if (j < 0) return undefined;
  return { type, namespace: rest.slice(0, j), name: rest.slice(j + 1) };
}

/** The object with kind/apiVersion set, as the edge expects it in message content. */
export function withTypeMeta(type: PlacedType, obj: KubeObject): KubeObject {
  const r = refOfType[type];
  return obj.kind && obj.apiVersion ? obj : { ...obj, kind: r.kind, apiVersion: apiVersionOf(r) };
}

/**
 * Answers "which edge nodes should hold this object" from the informer caches: a pod belongs to the edge
 * node in its spec.nodeName, a ConfigMap/Secret to every edge node running a pod that references it, and
 * an edge Node object to itself. Shared by the downstream reconciler, the SyncController and the node
 * authorizer, so all three agree.
 */
export class Placement {
  readonly nodes: Informer;
  readonly pods: Informer;
  readonly configmaps: Informer;
  readonly secrets: Informer;

  constructor(informers: InformerFactory) {
    this.nodes = informers.informer(R.nodes);
    this.pods = informers.informer(R.pods);
    this.configmaps = informers.informer(R.configmaps);
    this.secrets = informers.informer(R.secrets);
    this.pods.addIndex(POD_NODE_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    this.pods.addIndex(POD_REF_INDEX, (p) => (p.spec?.nodeName ? podReferenceKeys(p) : []));
  }

  informers(): Informer[] {
    return [this.nodes, this.pods, this.configmaps, this.secrets];
  }

  isEdgeNode(name: string | undefined): boolean {
    if (!name) return false;
    const labels = this.nodes.get(name)?.metadata.labels;
    return labels !== undefined && labels[wellKnown.edgeRoleLabel] !== undefined;
  }

  lookup(type: PlacedType, namespace: string | undefined, name: string): KubeObject | undefined {
    switch (type) {
      case 'node': return this.nodes.get(name);
      case 'pod': return this.pods.get(`${namespace}/${name}`);
      case 'configmap': return this.configmaps.get(`${namespace}/${name}`);
      case 'secret': return this.secrets.get(`${namespace}/${name}`);
    }
  }

  podsOn(node: string): KubeObject[] {
    return this.pods.byIndex(POD_NODE_INDEX, node);
  }

  /** Pods (on any node) that reference `configmap/{ns}/{name}` or `secret/{ns}/{name}`. */
  referencingPods(type: 'configmap' | 'secret', namespace: string, name: string): KubeObject[] {
    return this.pods.byIndex(POD_REF_INDEX, `${type}/${namespace}/${name}`);
  }

  nodesFor(type: PlacedType, namespace: string | undefined, name: string): string[] {
    if (type === 'node') return this.isEdgeNode(name) ? [name] : [];
    if (type === 'pod') {
      const node: string | undefined = this.pods.get(`${namespace}/${name}`)?.spec?.nodeName;
      return node && this.isEdgeNode(node) ? [node] : [];
    }
    const out = new Set<string>();
    for (const p of this.referencingPods(type, namespace ?? '', name)) if (this.isEdgeNode(p.spec.nodeName)) out.add(p.spec.nodeName);
    return [...out];
  }

  wants(node: string, type: PlacedType, namespace: string | undefined, name: string): boolean {
    if (!this.isEdgeNode(node)) return false;
    if (type === 'node') return name === node;
    if (type === 'pod') return this.pods.get(`${namespace}/${name}`)?.spec?.nodeName === node;
    return this.referencingPods(type, namespace ?? '', name).some((p) => p.spec.nodeName === node);
  }

  /** Queue keys of everything `node` should hold: itself, its pods and what they reference. */
  keysFor(node: string): string[] {
    const keys = new Set<string>([placedKey('node', undefined, node)]);
    for (const p of this.podsOn(node)) {
      for (const k of podReferenceKeys(p)) keys.add(k);
      keys.add(placedKey('pod', p.metadata.namespace, p.metadata.name!));
    }
    return [...keys];
  }
}
