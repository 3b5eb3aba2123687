import { ApiError, R, isNotFound, wellKnown, type KubeObject } from '@kedge/api';
import type { KubeClient } from '@kedge/core';
import type { Placement } from './placement.js';

/**
 * Node authorization (the Kubernetes Node authorizer's rules, enforced: KubeEdge only logs in its
 * default debug mode). A node may touch its own Node and Lease, the status of pods bound to it, events
 * about those objects, and the ConfigMaps/Secrets its pods reference. Refusals are Forbidden ApiErrors.
 */
export class NodeAuthorizer {
  constructor(private readonly placement: Placement, private readonly client: KubeClient) {}

  ownNode(node: string, verb: string, name: string): void {
    if (name !== node) throw forbidden(node, verb, 'node', name);
  }

  ownLease(node: string, verb: string, namespace: string, name: string): void {
    if (namespace !== wellKnown.nodeLeaseNamespace || name !== node) throw forbidden(node, verb, 'lease', `${namespace}/${name}`);
  }

  /** Returns the pod (cache first, then the API: the edge may report right after binding). */
  async boundPod(node: string, verb: string, namespace: string, name: string): Promise<KubeObject> {
    let pod = this.placement.pods.get(`${namespace}/${name}`);
    if (!pod || pod.spec?.nodeName !== node) {
      try {
        pod = await this.client.get(R.pods, namespace, name);
      } catch (err) {
        // Do not reveal whether another node's pod exists.
        if (isNotFound(err)) throw forbidden(node, verb, 'pod', `${namespace}/${name}`);
        throw err;
      }
    }
    if (pod.spec?.nodeName !== node) throw forbidden(node, verb, 'pod', `${namespace}/${name}`);
    return pod;
  }

  referenced(node: string, type: 'configmap' | 'secret', namespace: string, name: string): void {
    if (!this.placement.wants(node, type, namespace, name)) throw forbidden(node, 'read', type, `${namespace}/${name}`);
  }

  /** Events may be about the node itself or one of its pods. */
  async event(node: string, event: KubeObject): Promise<void> {
    const io = (event as { involvedObject?: { kind?: string; namespace?: string; name?: string } }).involvedObject ?? {};
    if (io.kind === 'Node' && io.name === node) return;
    if (io.kind === 'Pod' && io.namespace && io.name) {
      await this.boundPod(node, 'write events about', io.namespace, io.name);
      return;
    }
    throw forbidden(node, 'write events about', (io.kind ?? 'object').toLowerCase(), [io.namespace, io.name].filter(Boolean).join('/'));
  }
}

export function forbidden(node: string, verb: string, type: string, what: string): ApiError {
  return new ApiError('Forbidden', `node "${node}" may not ${verb} ${type} ${what}`);
}
