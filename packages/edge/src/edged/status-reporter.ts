import { randomBytes } from 'node:crypto';
import { Group, Op, ResType, Source, buildEdgeResource, kubeTime, newMessage, type KubeObject, type Message } from '@kedge/api';
import type { Logger } from '@kedge/core';
import type { EdgeLink } from '../edgehub/types.js';

/** What the pod manager says happened to a pod (kubelet's recorder arguments). */
export interface PodEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** e.g. `spec.containers{web}`. */
  fieldPath?: string;
}

export interface StatusReporterOptions {
  link: EdgeLink;
  nodeName: string;
  log: Logger;
  now?: () => number;
}

export interface StatusReporter {
  /** Sends the pod's status; offline (or refused by the link) it is kept and sent on the next connect. */
  report(pod: KubeObject, status: unknown): void;
  /** An upstream Event about the pod; best effort, dropped while offline as a kubelet's recorder would. */
  event(pod: KubeObject, ev: PodEvent): void;
  /** UID-guarded delete finishing a graceful deletion; false while offline (the caller retries). */
  finishDeletion(pod: KubeObject): boolean;
  /** Forgets pods no longer on this node, so nothing is resent for them. */
  retain(uids: Set<string>): void;
  /** Resends every status not yet accepted by the link. */
  flush(): void;
  /** Statuses waiting for the link. */
  pending(): number;
}

interface Latest {
  namespace: string;
  name: string;
  uid: string;
  status: unknown;
  sent: boolean;
}

/** Static pods have no API object to report to (no mirror pods yet), so their status stays local. */
export const isStaticPod = (pod: KubeObject): boolean => pod.metadata.annotations?.['kubernetes.io/config.source'] === 'file';

/**
 * The UID-guarded pod delete that finishes a graceful deletion once nothing of the pod runs (kubelet's
 * status manager); EdgeController turns it into a delete with gracePeriodSeconds 0 and a uid precondition.
 */
export function podDeleteMessage(pod: KubeObject): Message {
  return newMessage({
    source: Source.edged,
    group: Group.meta,
    operation: Op.delete,
    resource: buildEdgeResource(pod.metadata.namespace ?? 'default', ResType.pod, pod.metadata.name ?? ''),
    content: { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid ?? '' } },
  });
}

/**
 * The edge half of kubelet's status manager: podstatus messages (`{ns}/podstatus/{name}`, content
 * `{UID, Name, Status}`, as KubeEdge's edged sends them) with the latest status per pod kept until the
 * link takes it, so status changes made while the cloud is gone arrive once it is back.
 */
export function createStatusReporter(o: StatusReporterOptions): StatusReporter {
  const now = o.now ?? Date.now;
  const log = o.log.child({ module: 'edged' });
  const latest = new Map<string, Latest>();

  const send = (l: Latest): void => {
    l.sent = o.link.send(newMessage({
      source: Source.edged,
      group: Group.meta,
      operation: Op.update,
      resource: buildEdgeResource(l.namespace, ResType.podStatus, l.name),
      content: { UID: l.uid, Name: l.name, Status: l.status },
    }));
    if (!l.sent) log.debug({ pod: `${l.namespace}/${l.name}` }, 'pod status kept until the cloud is reachable');
  };

  const flush = (): void => {
    let n = 0;
    for (const l of latest.values()) {
      if (l.sent) continue;
      send(l);
      if (l.sent) n++;
    }
    if (n) log.info({ pods: n }, 'pod statuses from while offline sent');
  };
  o.link.onConnection((e) => {
    if (e === 'connected') flush();
  });

  return {
    report(pod, status) {
      if (isStaticPod(pod)) return;
      const uid = pod.metadata.uid ?? '';
      const l: Latest = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '', uid, status, sent: false };
      latest.set(uid, l);
      send(l);
    },

    event(pod, ev) {
      if (isStaticPod(pod)) return;
      const ns = pod.metadata.namespace ?? 'default';
      const podName = pod.metadata.name ?? '';
      const t = kubeTime(now());
      // kubelet's recorder names events <object>.<unique hex>.
      const name = `${podName}.${randomBytes(8).toString('hex')}`;
      const event: KubeObject = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ns },
        involvedObject: {
          kind: 'Pod', apiVersion: 'v1', namespace: ns, name: podName, uid: pod.metadata.uid ?? '',
          ...(ev.fieldPath ? { fieldPath: ev.fieldPath } : {}),
        },
        reason: ev.reason,
        message: ev.message,
        type: ev.type,
        source: { component: 'kubelet', host: o.nodeName },
        reportingComponent: 'kubelet',
        reportingInstance: o.nodeName,
        firstTimestamp: t,
        lastTimestamp: t,
        count: 1,
      };
      const sent = o.link.send(newMessage({ source: Source.edged, group: Group.meta, operation: Op.insert, resource: buildEdgeResource(ns, ResType.event, name), content: event }));
      log.debug({ pod: `${ns}/${podName}`, reason: ev.reason, sent }, 'pod event');
    },

    finishDeletion(pod) {
      const ns = pod.metadata.namespace ?? 'default';
      const name = pod.metadata.name ?? '';
      const uid = pod.metadata.uid ?? '';
      const sent = o.link.send(podDeleteMessage(pod));
      if (sent) {
        latest.delete(uid);
        log.info({ pod: `${ns}/${name}`, uid }, 'pod stopped: deletion finished');
      }
      return sent;
    },

    retain(uids) {
      for (const uid of latest.keys()) if (!uids.has(uid)) latest.delete(uid);
    },

    flush,

    pending() {
      let n = 0;
      for (const l of latest.values()) if (!l.sent) n++;
      return n;
    },
  };
}
