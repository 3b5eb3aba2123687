import {
  ApiError, Group, Op, R, ResType, Source, errorTo, isAlreadyExists, isApiError, parseEdgeResource, responseTo, splitNodeResource,
  type KubeObject, type Message, type ResourceParts,
} from '@kedge/api';
import type { KubeClient } from '@kedge/core';
import type { Logger } from 'pino';
import type { CloudHub } from '../cloudhub/types.js';
import type { NodeAuthorizer } from './authorize.js';
import { withTypeMeta, type Placement } from './placement.js';
import { serviceAccountToken } from './service-account-token.js';
import { asObject, parsePatch, type NodeHandlers } from './upstream-node.js';
import type { UpstreamGate } from './upstream-gate.js';

export interface UpstreamDeps {
  client: KubeClient;
  hub: CloudHub;
  log: Logger;
  placement: Placement;
  authorizer: NodeAuthorizer;
  nodes: NodeHandlers;
  /** Resolves once the caches the authorizer reads have synced. */
  ready: Promise<void>;
  /** Bounds concurrent handling and coalesces queued lease renewals; unbounded when absent. */
  gate?: UpstreamGate;
}

/** Messages for other cloud modules (device twin, router, dynamic controller) that share the hub. */
const foreignGroups = new Set<string>([Group.twin, Group.user, Group.dynamicController, 'taskmanager']);
const foreignSources = new Set<string>([Source.twin, Source.metaServer]);
/** Never answered: answering an answer would ping-pong with the edge. */
const silentOps = new Set<string>([Op.response, Op.error, Op.keepalive]);

/**
 * Edge → cloud messages from EdgeHub (`node/{node}/{ns}/{type}/{name}`): registration, node and pod
 * status, leases, events and ConfigMap/Secret queries. Every message is authorized for its node first;
 * failures become an `error` reply and never escape.
 */
export class Upstream {
  constructor(private readonly d: UpstreamDeps) {}

  async handle(node: string, msg: Message): Promise<void> {
    const op = msg.route?.operation ?? '';
    if (silentOps.has(op) || foreignGroups.has(msg.route?.group ?? '') || foreignSources.has(msg.route?.source ?? '')) return;
    try {
      await this.d.ready;
      const split = splitNodeResource(msg.route.resource ?? '');
      const parts = split ? parseEdgeResource(split.rest) : undefined;
      if (!split || !parts?.name) throw new ApiError('BadRequest', `invalid resource "${msg.route.resource ?? ''}"`);
      if (split.node !== node) throw new ApiError('Forbidden', `node "${node}" may not send as node "${split.node}"`);
      const work = () => this.route(node, op, parts as Required<ResourceParts>, msg);
      const leaseWrite = parts.type === ResType.lease && (op === Op.insert || op === Op.update);
      const reply = this.d.gate ? await this.d.gate.run(work, leaseWrite ? `lease/${node}` : undefined) : await work();
      if (reply !== undefined) this.d.hub.send(node, responseTo(msg, reply, Source.edgeController));
    } catch (err) {
      const text = isApiError(err) ? err.message : String((err as Error)?.message ?? err);
      if (isApiError(err) && err.reason === 'Forbidden') this.d.log.warn({ node, op, resource: msg.route.resource }, 'node request refused');
      else this.d.log.debug({ node, op, resource: msg.route.resource, err }, 'upstream message failed');
      this.d.hub.send(node, errorTo(msg, text, Source.edgeController));
    }
  }

  /** Returns the reply content, or undefined when KubeEdge does not answer this message. */
  private async route(node: string, op: string, r: Required<ResourceParts>, msg: Message): Promise<unknown> {
    const { authorizer: auth, nodes } = this.d;
    const sync = msg.header.sync === true;
    switch (`${r.type}:${op}`) {
      case `${ResType.node}:${Op.insert}`:
      case `${ResType.node}:${Op.update}`:
        auth.ownNode(node, 'register', r.name);
        return nodes.register(node, msg.content);
      case `${ResType.node}:${Op.query}`:
        auth.ownNode(node, 'read', r.name);
        return nodes.get(node);
      case `${ResType.nodeStatus}:${Op.update}`: {
        auth.ownNode(node, 'update status of', r.name);
        await nodes.status(node, msg.content);
        return sync ? 'OK' : undefined;
      }
      case `${ResType.nodePatch}:${Op.patch}`:
        auth.ownNode(node, 'patch', r.name);
        return nodes.patch(node, msg.content);
      case `${ResType.lease}:${Op.query}`:
        auth.ownLease(node, 'read', r.namespace, r.name);
        return nodes.getLease(node);
      case `${ResType.lease}:${Op.insert}`:
      case `${ResType.lease}:${Op.update}`:
        auth.ownLease(node, 'write', r.namespace, r.name);
        return nodes.writeLease(node, op as 'insert' | 'update', msg.content);
      case `${ResType.podStatus}:${Op.update}`:
        return this.podStatus(node, r, msg.content, sync);
      case `${ResType.podPatch}:${Op.patch}`: {
        await auth.boundPod(node, 'patch', r.namespace, r.name);
        const pod = await this.d.client.patch(R.pods, r.namespace, r.name, 'strategic', parsePatch(msg.content), { subresource: 'status' });
        return withTypeMeta('pod', pod);
      }
      case `${ResType.pod}:${Op.delete}`:
        return this.deletePod(node, r, msg.content, sync);
      case `${ResType.event}:${Op.insert}`:
        return this.event(node, r, msg.content, sync);
      case `${ResType.configmap}:${Op.query}`:
      case `${ResType.secret}:${Op.query}`: {
        const type = r.type as 'configmap' | 'secret';
        auth.referenced(node, type, r.namespace, r.name);
        const cached = this.d.placement.lookup(type, r.namespace, r.name);
        return withTypeMeta(type, cached ?? (await this.d.client.get(type === 'secret' ? R.secrets : R.configmaps, r.namespace, r.name)));
      }
      case `${ResType.serviceAccountToken}:${Op.query}`:
        return serviceAccountToken(this.d.client, auth, node, r.namespace, r.name, msg.content);
      default:
        throw new ApiError('BadRequest', `unsupported operation "${op}" on resource type "${r.type}"`);
    }
  }

  /** PodStatusRequest{UID, Name, Status}: the status of a pod bound to this node, UID-checked. */
  private async podStatus(node: string, r: Required<ResourceParts>, content: unknown, sync: boolean): Promise<unknown> {
    const req = asObject(content, 'PodStatusRequest') as { UID?: string; Status?: unknown };
    if (!req.Status || typeof req.Status !== 'object') throw new ApiError('BadRequest', 'PodStatusRequest.Status must be an object');
    const pod = await this.d.authorizer.boundPod(node, 'update status of', r.namespace, r.name);
    if (req.UID && req.UID !== pod.metadata.uid) {
      throw new ApiError('Conflict', `pod ${r.namespace}/${r.name} has uid ${pod.metadata.uid}, status is for ${req.UID}`);
    }
    const updated = await this.d.client.patch(R.pods, r.namespace, r.name, 'merge', { status: req.Status, metadata: { uid: pod.metadata.uid } }, { subresource: 'status' });
    return sync ? withTypeMeta('pod', updated) : undefined;
  }

  /**
   * The edge finishing a graceful deletion (edged's `Pods().Delete` through the metaclient): like a
   * kubelet under NodeRestriction it may delete only pods bound to it, and the UID precondition keeps
   * a late message from deleting a newer pod of the same name.
   */
  private async deletePod(node: string, r: Required<ResourceParts>, content: unknown, sync: boolean): Promise<unknown> {
    const pod = await this.d.authorizer.boundPod(node, 'delete', r.namespace, r.name);
    const opts = (content && typeof content === 'object' ? content : {}) as {
      preconditions?: { uid?: string }; metadata?: { uid?: string }; UID?: string; gracePeriodSeconds?: number;
    };
    const uid = opts.preconditions?.uid ?? opts.metadata?.uid ?? opts.UID ?? pod.metadata.uid;
    if (uid !== pod.metadata.uid) throw new ApiError('Conflict', `pod ${r.namespace}/${r.name} has uid ${pod.metadata.uid}, not ${uid}`);
    const grace = typeof opts.gracePeriodSeconds === 'number' && opts.gracePeriodSeconds >= 0 ? opts.gracePeriodSeconds : 0;
    await this.d.client.delete(R.pods, r.namespace, r.name, { gracePeriodSeconds: grace, preconditions: { uid } });
    return sync ? 'OK' : undefined;
  }

  private async event(node: string, r: Required<ResourceParts>, content: unknown, sync: boolean): Promise<unknown> {
    const ev = asObject(content, 'event');
    await this.d.authorizer.event(node, ev);
    const body: KubeObject = { ...ev, apiVersion: 'v1', kind: 'Event', metadata: { ...ev.metadata, namespace: r.namespace, name: ev.metadata.name ?? r.name } };
    delete body.metadata.resourceVersion;
    let stored: KubeObject | string;
    try {
      stored = await this.d.client.create(R.events, body);
    } catch (err) {
      // The kubelet's recorder retries with the same name; the first copy is enough.
      if (!isAlreadyExists(err)) throw err;
      stored = 'OK';
    }
    return sync ? stored : undefined;
  }
}
