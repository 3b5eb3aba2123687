import { Group, Op, ResType, Source, buildEdgeResource, kubeTime, newMessage, type KubeObject } from '@kedge/api';
import type { Logger } from '@kedge/core';
import type { EdgeLink } from '../edgehub/types.js';
import type { ObjectOp } from '../metamanager/meta-manager.js';

export interface FakeRuntimeOptions {
  nodeName: string;
  /** Index of the hollow node; picks its pod IP range 10.{hi}.{lo}.0/24. */
  nodeIndex: number;
  link: EdgeLink;
  log: Logger;
  now?: () => number;
}

export interface FakeRuntime {
  /** A MetaManager object handler: reacts to pods reaching the node's cache. */
  onObject(op: ObjectOp, edgeType: string, obj: KubeObject): void;
  /** Pod UIDs this runtime reported Running and not yet terminated. */
  running(): number;
}

const seconds = kubeTime;

/**
 * A runtime that starts nothing: every pod bound to the node is reported Running (all conditions
 * True, ready containers with fake IDs) as one `podstatus` update, the kubelet's PodStatusRequest
 * with capitalised keys (kubeedge-reference.md §7). A pod being deleted is reported terminated and
 * then deleted (grace 0), which finishes its graceful deletion in the cloud.
 */
export function createFakeRuntime(o: FakeRuntimeOptions): FakeRuntime {
  const now = o.now ?? Date.now;
  const log = o.log.child({ module: 'fakeruntime' });
  // uid → state last reported, so the cloud echoing our own status back does not loop.
  const reported = new Map<string, { state: 'running' | 'terminated'; ip: string; started: string }>();
  let nextIp = 2;
  const net = `10.${(o.nodeIndex >> 8) & 255}.${o.nodeIndex & 255}`;

  const containers = (pod: KubeObject, started: string, terminated: boolean): unknown[] =>
    ((pod.spec?.containers ?? []) as Array<{ name: string; image?: string }>).map((c, i) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: `fake://${c.image ?? ''}`,
      containerID: `fake://${pod.metadata.uid ?? pod.metadata.name}-${i}`,
      ready: !terminated,
      started: !terminated,
      restartCount: 0,
      state: terminated
        ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: started, finishedAt: seconds(now()) } }
        : { running: { startedAt: started } },
    }));

  const report = (pod: KubeObject, state: 'running' | 'terminated'): void => {
    const uid = pod.metadata.uid ?? '';
    const prev = reported.get(uid);
    if (prev?.state === state) return;
    const ip = prev?.ip ?? `${net}.${(nextIp++ % 253) + 2}`;
    const started = prev?.started ?? seconds(now());
    const t = seconds(now());
    const ok = state === 'running' ? 'True' : 'False';
    const status = {
      phase: state === 'running' ? 'Running' : 'Succeeded',
      conditions: [
        { type: 'PodReadyToStartContainers', status: ok, lastTransitionTime: t },
        { type: 'Initialized', status: 'True', lastTransitionTime: started },
        { type: 'Ready', status: ok, lastTransitionTime: t },
        { type: 'ContainersReady', status: ok, lastTransitionTime: t },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: started },
      ],
      hostIP: `${net}.1`,
      podIP: ip,
      podIPs: [{ ip }],
      startTime: started,
      containerStatuses: containers(pod, started, state === 'terminated'),
      qosClass: 'BestEffort',
    };
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    const msg = newMessage({
      source: Source.edged,
      group: Group.meta,
      operation: Op.update,
      resource: buildEdgeResource(ns, ResType.podStatus, name),
      content: { UID: uid, Name: name, Status: status },
    });
    // Offline: the next update (or the cloud's resend after a reconnect) reports again.
    if (!o.link.send(msg)) return;
    reported.set(uid, { state, ip, started });
    log.debug({ pod: `${ns}/${name}`, state }, 'reported pod status');
  };

  return {
    onObject(op, edgeType, obj) {
      if (edgeType !== ResType.pod) return;
      if (obj.spec?.nodeName && obj.spec.nodeName !== o.nodeName) return;
      const uid = obj.metadata.uid ?? '';
      if (op === 'delete') {
        reported.delete(uid);
        return;
      }
      if (!obj.metadata.deletionTimestamp) {
        report(obj, 'running');
        return;
      }
      // Like edged: report the containers terminated, then finish the graceful deletion with a
      // UID-guarded delete (grace 0) that the EdgeController applies for pods bound to this node.
      report(obj, 'terminated');
      o.link.send(newMessage({
        source: Source.edged,
        group: Group.meta,
        operation: Op.delete,
        resource: buildEdgeResource(obj.metadata.namespace ?? 'default', ResType.pod, obj.metadata.name ?? ''),
        content: { gracePeriodSeconds: 0, preconditions: { uid } },
      }));
    },
    running: () => [...reported.values()].filter((r) => r.state === 'running').length,
  };
}
