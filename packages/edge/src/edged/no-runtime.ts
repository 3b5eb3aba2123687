import { Group, Op, ResType, Source, buildEdgeResource, kubeTime, newMessage, type KubeObject } from '@kedge/api';
import type { Logger } from '@kedge/core';
import type { EdgeLink } from '../edgehub/types.js';
import type { ObjectOp } from '../metamanager/meta-manager.js';
import { podDeleteMessage } from './status-reporter.js';

/** Container waiting reason shown in `kubectl get pods` STATUS while the edge has no runtime. */
export const NO_RUNTIME_REASON = 'NoContainerRuntime';

export interface NoRuntimeOptions {
  nodeName: string;
  link: EdgeLink;
  log: Logger;
  now?: () => number;
}

export interface NoRuntime {
  /** A MetaManager object handler: reacts to pods reaching the node's cache. */
  onObject(op: ObjectOp, edgeType: string, obj: KubeObject): void;
}

interface ContainerSpec {
  name: string;
  image?: string;
}

const seconds = kubeTime;

/** True when the pod's status already says what this edge would report, so an echo does not loop. */
function alreadyReported(pod: KubeObject): boolean {
  const statuses = (pod.status?.containerStatuses ?? []) as Array<{ state?: { waiting?: { reason?: string } } }>;
  return statuses.length > 0 && statuses.every((s) => s.state?.waiting?.reason === NO_RUNTIME_REASON);
}

/**
 * What a real edge node does with its pods until it has a container runtime (issue 4): it reports
 * them honestly as Pending with every container waiting for reason NoContainerRuntime (so
 * `kubectl get pods` names the cause instead of a bare Pending), and it finishes graceful deletions
 * at once with a UID-guarded delete, as nothing was ever started — otherwise deleted pods would stay
 * Terminating forever.
 */
export function createNoRuntime(o: NoRuntimeOptions): NoRuntime {
  const now = o.now ?? Date.now;
  const log = o.log.child({ module: 'edged' });
  // UIDs whose deletion was sent; the cloud's echoes of the terminating pod must not resend it.
  const deleting = new Set<string>();

  const reportPending = (pod: KubeObject): void => {
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    const t = seconds(now());
    const containers = (pod.spec?.containers ?? []) as ContainerSpec[];
    const names = containers.map((c) => c.name).join(' ');
    const message = `edge node ${o.nodeName} has no container runtime yet; the pod cannot start here`;
    const scheduled = ((pod.status?.conditions ?? []) as Array<{ type?: string; lastTransitionTime?: string }>).find((c) => c.type === 'PodScheduled');
    const status = {
      phase: 'Pending',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: scheduled?.lastTransitionTime ?? t },
        { type: 'Initialized', status: 'True', lastTransitionTime: t },
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${names}]`, lastTransitionTime: t },
        { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${names}]`, lastTransitionTime: t },
      ],
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image ?? '',
        imageID: '',
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: NO_RUNTIME_REASON, message } },
      })),
    };
    const msg = newMessage({
      source: Source.edged,
      group: Group.meta,
      operation: Op.update,
      resource: buildEdgeResource(ns, ResType.podStatus, name),
      content: { UID: pod.metadata.uid ?? '', Name: name, Status: status },
    });
    // Offline: the cloud resends the pod after a reconnect and it is reported then.
    if (o.link.send(msg)) log.info({ pod: `${ns}/${name}`, reason: NO_RUNTIME_REASON }, 'pod cannot start: no container runtime');
  };

  const finishDeletion = (pod: KubeObject): void => {
    const uid = pod.metadata.uid ?? '';
    if (deleting.has(uid)) return;
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    const sent = o.link.send(podDeleteMessage(pod));
    if (!sent) return;
    deleting.add(uid);
    log.info({ pod: `${ns}/${name}` }, 'pod deleted: nothing was running');
  };

  return {
    onObject(op, edgeType, obj) {
      if (edgeType !== ResType.pod) return;
      if (obj.spec?.nodeName && obj.spec.nodeName !== o.nodeName) return;
      if (op === 'delete') {
        deleting.delete(obj.metadata.uid ?? '');
        return;
      }
      if (obj.metadata.deletionTimestamp) finishDeletion(obj);
      else if (!alreadyReported(obj)) reportPending(obj);
    },
  };
}
