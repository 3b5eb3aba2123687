import { ApiError, R, isAlreadyExists, isNotFound, wellKnown, type KubeObject, kubeTime } from '@kedge/api';
import type { KubeClient } from '@kedge/core';
import type { Placement } from './placement.js';

export interface NodeHandlerDeps {
  client: KubeClient;
  placement: Placement;
  now: () => number;
  /** Condition heartbeats older than this are refreshed to now (KubeEdge's nodeUpdateFrequency). */
  nodeStatusRefreshMs: number;
}

const seconds = kubeTime;

/** Upstream handlers for a node's own Node and Lease. Callers have authorized the node already. */
export class NodeHandlers {
  constructor(private readonly d: NodeHandlerDeps) {}

  /**
   * Registration (`insert {ns}/node/{name}`): create with the edge role labels and the reported status, or
   * merge labels/status. One write per registration where possible: Node create keeps status (kubelet
   * registers that way), and a re-registering node whose labels are already set skips the label patch —
   * a CloudCore restart re-registers every node at once (docs/benchmarks.md, CloudHub round 4).
   */
  async register(node: string, content: unknown): Promise<KubeObject> {
    const incoming = asObject(content, 'node');
    const labels = { ...(incoming.metadata?.labels ?? {}), [wellKnown.edgeRoleLabel]: '', [wellKnown.agentRoleLabel]: '' };
    const reported = incoming.status && typeof incoming.status === 'object' ? (incoming.status as Record<string, unknown>) : undefined;
    const cached = this.d.placement.nodes.get(node);
    let stored: KubeObject | undefined;
    if (!cached) {
      try {
        stored = await this.d.client.create(R.nodes, {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: node, labels, ...(incoming.metadata?.annotations ? { annotations: incoming.metadata.annotations } : {}) },
          spec: incoming.spec ?? {},
          ...(reported ? { status: this.freshStatus(undefined, reported) } : {}),
        });
        // A server that drops status on create (a status subresource) gets it written explicitly.
        if (reported && !stored.status?.conditions) stored = await this.writeStatus(node, stored, reported);
        return withKind(stored);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
    const cur = cached ?? stored;
    if (!cur || Object.entries(labels).some(([k, v]) => cur.metadata.labels?.[k] !== v)) {
      stored = await this.d.client.patch(R.nodes, undefined, node, 'merge', { metadata: { labels } });
    } else {
      stored = cur;
    }
    if (reported) stored = await this.writeStatus(node, stored, reported);
    return withKind(stored);
  }

  async get(node: string): Promise<KubeObject> {
    return withKind(this.d.placement.nodes.get(node) ?? (await this.d.client.get(R.nodes, undefined, node)));
  }

  /** `update {ns}/nodestatus/{name}` with NodeStatusRequest{UID, Status, ExtendResources}. */
  async status(node: string, content: unknown): Promise<KubeObject> {
    const req = asObject(content, 'NodeStatusRequest') as { UID?: string; Status?: unknown };
    if (!req.Status || typeof req.Status !== 'object') throw new ApiError('BadRequest', 'NodeStatusRequest.Status must be an object');
    const cur = this.d.placement.nodes.get(node) ?? (await this.d.client.get(R.nodes, undefined, node));
    if (req.UID && cur.metadata.uid && req.UID !== cur.metadata.uid) {
      throw new ApiError('Conflict', `node "${node}" has uid ${cur.metadata.uid}, status is for ${req.UID}`);
    }
    return this.writeStatus(node, cur, req.Status as Record<string, unknown>);
  }

  /** `patch {ns}/nodepatch/{name}`: a strategic merge patch (JSON string) of the node status. */
  async patch(node: string, content: unknown): Promise<KubeObject> {
    const patch = parsePatch(content);
    return withKind(await this.d.client.patch(R.nodes, undefined, node, 'strategic', patch, { subresource: 'status' }));
  }

  async getLease(node: string): Promise<KubeObject> {
    return withLeaseKind(await this.d.client.get(R.leases, wellKnown.nodeLeaseNamespace, node));
  }

  /** Lease insert/update; the last writer wins because only this node writes its lease. */
  async writeLease(node: string, op: 'insert' | 'update', content: unknown): Promise<KubeObject> {
    const incoming = asObject(content, 'lease');
    const spec = { ...(incoming.spec ?? {}) } as Record<string, unknown>;
    spec.holderIdentity = node;
    spec.renewTime = toMicroTime(spec.renewTime, this.d.now());
    if (spec.acquireTime !== undefined) spec.acquireTime = toMicroTime(spec.acquireTime, this.d.now());
    const owner = this.d.placement.nodes.get(node);
    const body: KubeObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: node,
        namespace: wellKnown.nodeLeaseNamespace,
        ...(incoming.metadata?.labels ? { labels: incoming.metadata.labels } : {}),
        ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node, uid: owner.metadata.uid! }] } : {}),
      },
      spec,
    };
    const create = () => this.d.client.create(R.leases, body);
    const update = () => this.d.client.update(R.leases, body);
    let stored: KubeObject;
    if (op === 'insert') {
      stored = await create().catch((err) => (isAlreadyExists(err) ? update() : Promise.reject(err)));
    } else {
      stored = await update().catch((err) => (isNotFound(err) ? create() : Promise.reject(err)));
    }
    return withLeaseKind(stored);
  }

  private async writeStatus(node: string, cur: KubeObject, reported: Record<string, unknown>): Promise<KubeObject> {
    const status = this.freshStatus(cur, reported);
    return withKind(await this.d.client.patch(R.nodes, undefined, node, 'merge', { status }, { subresource: 'status' }));
  }

  /** The reported status with stale condition heartbeats set to now and the cloud's daemonEndpoints kept. */
  private freshStatus(cur: KubeObject | undefined, reported: Record<string, unknown>): Record<string, unknown> {
    const now = this.d.now();
    const status = structuredClone(reported);
    if (Array.isArray(status.conditions)) {
      for (const c of status.conditions as Array<Record<string, unknown>>) {
        const t = typeof c.lastHeartbeatTime === 'string' ? Date.parse(c.lastHeartbeatTime) : NaN;
        if (!(now - t <= this.d.nodeStatusRefreshMs)) c.lastHeartbeatTime = seconds(now);
      }
    }
    // The kubelet endpoint port may have been set in the cloud (stream tunnel); the edge's value loses.
    if (cur?.status?.daemonEndpoints) status.daemonEndpoints = cur.status.daemonEndpoints;
    return status;
  }
}

/** Kubernetes MicroTime: RFC 3339 UTC with exactly six fractional digits. */
export function toMicroTime(v: unknown, now: number): string {
  if (typeof v === 'string') {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(v);
    if (m) return `${m[1]}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}Z`;
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return toMicroTime(new Date(t).toISOString(), now);
  }
  return toMicroTime(new Date(now).toISOString(), now);
}

export function asObject(content: unknown, what: string): KubeObject {
  const v = typeof content === 'string' ? tryParse(content) : content;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ApiError('BadRequest', `content must be a ${what} object`);
  const o = v as KubeObject;
  return o.metadata && typeof o.metadata === 'object' ? o : { ...o, metadata: {} };
}

export function parsePatch(content: unknown): unknown {
  const v = typeof content === 'string' ? tryParse(content) : content;
  if (!v || typeof v !== 'object') throw new ApiError('BadRequest', 'content must be a JSON patch document');
  return v;
}

function tryParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    throw new ApiError('BadRequest', 'content is not valid JSON');
  }
}

const withKind = (n: KubeObject): KubeObject => (n.kind ? n : { ...n, kind: 'Node', apiVersion: 'v1' });
const withLeaseKind = (l: KubeObject): KubeObject => (l.kind ? l : { ...l, kind: 'Lease', apiVersion: 'coordination.k8s.io/v1' });
