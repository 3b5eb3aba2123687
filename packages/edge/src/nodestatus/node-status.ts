import { Group, Op, ResType, Source, buildEdgeResource, newMessage, wellKnown, type KubeObject, type Message } from '@kedge/api';
import type { Logger, Module } from '@kedge/core';
import type { EdgeLink } from '../edgehub/types.js';
import type { MetaStore } from '../metamanager/meta-store.js';
import { probeHost, type HostProbe } from './host-info.js';
import { ConditionClock, leaseObject, nodeObject, nodeStatus } from './node-object.js';
import { untilAborted } from '@kedge/core';

export interface NodeStatusOptions {
  link: EdgeLink;
  /** Where the cloud's answers (the Node, the Lease) are cached, as MetaManager would. */
  store?: MetaStore;
  nodeName: string;
  registerNamespace?: string;
  labels?: Record<string, string>;
  /** Directory whose filesystem is reported as ephemeral-storage. */
  dataDir: string;
  updateMs?: number;
  leaseMs?: number;
  leaseDurationSeconds?: number;
  log: Logger;
  /** The runtime Edged runs pods on, as `kubectl get nodes -o wide` shows it (CONTAINER-RUNTIME). */
  runtimeVersion?: () => string | undefined;
  /** Injected by tests. */
  probe?: HostProbe;
  now?: () => number;
}

export interface NodeStatusReporter extends Module {
  /** Registers (or re-registers) the node and reports its status now; resolves when done or failed. */
  syncNow(): Promise<void>;
}

/**
 * edged's node half on the wire: on every connect `insert {ns}/node/{name}` with the full Node (so
 * it is Ready at once), then `update {ns}/nodestatus/{name}` every updateMs and the Lease in
 * kube-node-lease every leaseMs. While the link is down nothing is sent.
 */
export function createNodeStatus(o: NodeStatusOptions): NodeStatusReporter {
  const log = o.log.child({ module: 'nodestatus' });
  const ns = o.registerNamespace ?? 'default';
  const updateMs = o.updateMs ?? 10_000;
  const leaseMs = o.leaseMs ?? 10_000;
  const leaseDuration = o.leaseDurationSeconds ?? 40;
  const probe = o.probe ?? probeHost;
  const now = o.now ?? Date.now;
  const clock = new ConditionClock();
  const { link, nodeName } = o;
  let uid: string | undefined;
  let leaseWritten = false;
  let registered = false;
  let inflight: Promise<void> | undefined;
  let stopped = false;

  const status = () => {
    const facts = probe(o.dataDir);
    const rt = o.runtimeVersion?.();
    if (rt) facts.containerRuntimeVersion = rt;
    return { facts, status: nodeStatus(facts, now(), clock) };
  };

  const cache = (reply: Message, edgeType: string): KubeObject | undefined => {
    if (reply.route.operation === Op.error) {
      log.warn({ resource: reply.route.resource, error: String(reply.content) }, 'cloud refused node message');
      return undefined;
    }
    const obj = reply.content as KubeObject | undefined;
    if (!obj || typeof obj !== 'object' || !obj.metadata) return undefined;
    try {
      o.store?.put(obj, edgeType);
    } catch (err) {
      log.warn({ err, edgeType }, 'caching the cloud answer failed');
    }
    return obj;
  };

  const msg = (operation: string, resource: string, content: unknown) =>
    newMessage({ source: Source.edged, group: Group.meta, operation, resource, content, now: now() });

  async function register(): Promise<void> {
    const s = status();
    const node = nodeObject({ name: nodeName, labels: o.labels ?? {} }, s.facts, s.status);
    const reply = await link.request(msg(Op.insert, buildEdgeResource(ns, ResType.node, nodeName), node), Math.max(updateMs, 5_000));
    const stored = cache(reply, ResType.node);
    if (!stored) return;
    uid = stored.metadata.uid ?? uid;
    if (!registered) log.info({ node: nodeName, uid }, 'node registered');
    registered = true;
  }

  function reportStatus(): void {
    if (stopped || !link.isConnected()) return;
    // NodeStatusRequest's Go fields carry no JSON tags, so the keys are capitalised on the wire.
    const content = { UID: uid ?? cachedUid() ?? '', Status: status().status, ExtendResources: {} };
    link.send(msg(Op.update, buildEdgeResource(ns, ResType.nodeStatus, nodeName), content));
  }

  const cachedUid = (): string | undefined => {
    try {
      return o.store?.get(ResType.node, undefined, nodeName)?.metadata.uid;
    } catch {
      return undefined;
    }
  };

  async function renewLease(): Promise<void> {
    if (stopped || !link.isConnected()) return;
    const op = leaseWritten ? Op.update : Op.insert;
    const lease = leaseObject(nodeName, leaseDuration, now());
    const reply = await link.request(msg(op, buildEdgeResource(wellKnown.nodeLeaseNamespace, ResType.lease, nodeName), lease), Math.max(leaseMs, 5_000));
    if (cache(reply, ResType.lease)) leaseWritten = true;
  }

  const failed = (what: string) => (err: unknown) => log.debug({ err: (err as Error)?.message ?? String(err) }, `${what} failed`);

  function syncNow(): Promise<void> {
    if (stopped) return Promise.resolve();
    // A connect during a running sync must not register twice at once.
    inflight ??= (async () => {
      try {
        await register();
        reportStatus();
        await renewLease();
      } catch (err) {
        failed('node sync')(err);
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  }

  link.onConnection((ev) => {
    if (ev === 'connected') void syncNow();
  });

  return {
    name: 'nodestatus',
    syncNow,
    async start(signal: AbortSignal) {
      if (link.isConnected()) void syncNow();
      const statusTimer = setInterval(() => {
        if (!registered) void syncNow();
        else reportStatus();
      }, updateMs);
      const leaseTimer = setInterval(() => void renewLease().catch(failed('lease renewal')), leaseMs);
      await untilAborted(signal);
      clearInterval(statusTimer);
      clearInterval(leaseTimer);
      // An unanswered request ends with the link; nothing is left to wait for here.
      stopped = true;
    },
  };
}
