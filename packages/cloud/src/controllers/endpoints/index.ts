import { R, isAlreadyExists, isNotFound, objectKey, splitKey, type KubeObject } from '@kedge/api';
import type { Informer, Module } from '@kedge/core';
import { Controller } from '@kedge/core/controller/index.js';
import { isPodActive, isPodReady } from '../replicaset/pod-utils.js';
import type { ControllerDeps } from '../types.js';

/** Marks Endpoints this controller owns, so selector-less services' hand-made Endpoints are left alone. */
export const managedByLabel = 'endpoints.kedge.io/managed-by';
const managedBy = 'endpoint-controller';

function selects(selector: Record<string, string>, labels: Record<string, string> = {}): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function resolvePort(port: { targetPort?: number | string; port: number }, pod: KubeObject): number | undefined {
  const t = port.targetPort ?? port.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(t)) return Number(t);
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === t) return p.containerPort;
  return undefined;
}

/** Desired subsets: one subset per distinct resolved port set, as upstream's repacking does. */
export function desiredSubsets(svc: KubeObject, pods: KubeObject[]): unknown[] {
  const groups = new Map<string, { addresses: unknown[]; notReadyAddresses: unknown[]; ports: unknown[] }>();
  for (const pod of pods) {
    // Pods of an unreachable edge node keep the Ready value the node controller gave them (False), so
    // they move to notReadyAddresses like upstream (kubeedge#2128). Edge-local consumers route around
    // the cloud's view anyway; keeping them listed as not-ready lets the cloud see they still exist.
    if (!pod.status?.podIP || !isPodActive(pod)) continue;
    const ports = (svc.spec?.ports ?? []).map((p: { name?: string; port: number; targetPort?: number | string; protocol?: string }) => {
      const port = resolvePort(p, pod);
      return port === undefined ? undefined : { ...(p.name ? { name: p.name } : {}), port, protocol: p.protocol ?? 'TCP' };
    }).filter(Boolean);
    const k = JSON.stringify(ports);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { addresses: [], notReadyAddresses: [], ports }));
    const addr = {
      ip: pod.status.podIP,
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    };
    (isPodReady(pod) ? g.addresses : g.notReadyAddresses).push(addr);
  }
  const byIp = (a: any, b: any) => String(a.ip).localeCompare(String(b.ip));
  return [...groups.values()].map((g) => ({
    ...(g.addresses.length ? { addresses: g.addresses.sort(byIp) } : {}),
    ...(g.notReadyAddresses.length ? { notReadyAddresses: g.notReadyAddresses.sort(byIp) } : {}),
    ...(g.ports.length ? { ports: g.ports } : {}),
  }));
}

function servicesFor(services: Informer, pod: KubeObject): string[] {
  return services.list(pod.metadata.namespace).filter((s) => s.spec?.selector && selects(s.spec.selector, pod.metadata.labels)).map(objectKey);
}

export function createEndpointsController(deps: ControllerDeps): Module {
  const log = deps.log.child({ module: 'endpoints' });
  const services = deps.informers.informer(R.services);
  const pods = deps.informers.informer(R.pods);
  const endpoints = deps.informers.informer(R.endpoints);
  const reconciler = {
    async reconcile(key: string) {
      const { namespace, name } = splitKey(key);
      const svc = services.get(key);
      const cur = endpoints.get(key);
      if (!svc || !svc.spec?.selector) {
        if (cur && cur.metadata.labels?.[managedByLabel] === managedBy) {
          await deps.client.delete(R.endpoints, namespace, name, { preconditions: { uid: cur.metadata.uid } }).catch((e) => {
            if (!isNotFound(e)) throw e;
          });
        }
        return;
      }
      const matching = pods.list(namespace).filter((p) => selects(svc.spec.selector, p.metadata.labels));
      const subsets = desiredSubsets(svc, matching);
      const labels = { ...(svc.metadata.labels ?? {}), [managedByLabel]: managedBy };
      if (!cur) {
        try {
          await deps.client.create(R.endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets });
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
          throw new Error(`endpoints ${key} appeared concurrently; retrying`, { cause: err });
        }
        return;
      }
      if (JSON.stringify(cur.subsets ?? []) === JSON.stringify(subsets) && cur.metadata.labels?.[managedByLabel] === managedBy) return;
      const next = structuredClone(cur) as KubeObject;
      next.subsets = subsets;
      next.metadata.labels = { ...(next.metadata.labels ?? {}), ...labels };
      await deps.client.update(R.endpoints, next);
    },
  };
  return new Controller({ name: 'endpoints', reconciler, log, workers: 2 })
    .watch(services)
    .watch(endpoints)
    .watch(pods, (p: KubeObject) => servicesFor(services, p));
}
