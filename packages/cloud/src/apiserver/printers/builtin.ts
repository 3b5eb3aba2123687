import { formatLabelSelector, formatLabels } from '@kedge/api/selectors/index.js';
import { ageSince } from './duration.js';
import { ageCol, col, nameCol } from './columns.js';
import type { ColumnDefinition } from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export interface Printer {
  columns: ColumnDefinition[];
  row(obj: Any, now: number): unknown[];
}

const age = (o: Any, now: number) => ageSince(o.metadata?.creationTimestamp, now);
const int = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);
const count = (v: unknown): number => (v && typeof v === 'object' ? Object.keys(v).length : 0);

const containersCol = col('Containers', 'Names of each container in the template.', 1);
const imagesCol = col('Images', 'Images referenced by each container in the template.', 1);
const selectorCol = col('Selector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1);

function containerCells(o: Any): [string, string] {
  const cs: Any[] = o.spec?.template?.spec?.containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image).join(',')];
}

function selectorCell(sel: unknown): string {
  try {
    return formatLabelSelector(sel as Parameters<typeof formatLabelSelector>[0]);
  } catch {
    return '<invalid>';
  }
}

function findNodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

const nodeAddress = (o: Any, type: string): string =>
  (o.status?.addresses ?? []).find((a: Any) => a.type === type)?.address ?? '<none>';

function servicePorts(ports: Any[] | undefined): string {
  const s = (ports ?? []).map((p) => (p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
  return s || '<none>';
}

function serviceExternalIP(o: Any): string {
  const spec = o.spec ?? {};
  const external: string[] = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = (o.status?.loadBalancer?.ingress ?? []).map((i: Any) => i.ip || i.hostname).filter(Boolean) as string[];
      const all = [...lb, ...external];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

const hostPort = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** formatEndpoints: the first three addresses, then `+ N more...`. */
function formatEndpoints(o: Any): string {
  const subsets: Any[] = o.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let total = 0;
  const add = (s: string) => {
    if (list.length === max) more = true;
    else list.push(s);
  };
  for (const ss of subsets) {
    const addrs: Any[] = ss.addresses ?? [];
    const ports: Any[] = ss.ports ?? [];
    if (ports.length === 0) {
      total += addrs.length;
      for (const a of addrs) add(a.ip);
      continue;
    }
    for (const p of ports) {
      total += addrs.length;
      for (const a of addrs) add(hostPort(a.ip, p.port));
    }
  }
  if (more) return `${list.join(',')} + ${total - max} more...`;
  return list.length > 0 ? list.join(',') : '<none>';
}

function eventCells(o: Any, now: number): unknown[] {
  const since = (t: unknown) => ageSince(t, now);
  let first = o.firstTimestamp ? since(o.firstTimestamp) : since(o.eventTime);
  if (!o.firstTimestamp && !o.eventTime) first = '<unknown>';
  let last = o.lastTimestamp ? since(o.lastTimestamp) : first;
  let n = int(o.count);
  if (o.series) {
    last = since(o.series.lastObservedTime);
    n = int(o.series.count);
  } else if (n === 0) n = 1;
  const io = o.involvedObject ?? {};
  const kind = String(io.kind ?? '').toLowerCase();
  const target = io.name ? `${kind}/${io.name}` : kind;
  const component = o.source?.component || o.reportingComponent || '';
  const instance = o.source?.host || o.reportingInstance || '';
  const source = instance ? `${component}, ${instance}` : component;
  return [last, o.type ?? '', o.reason ?? '', target, io.fieldPath ?? '', source, String(o.message ?? '').trim(), first, n, o.metadata?.name];
}

export const builtinPrinters: Record<string, Printer> = {
  namespaces: {
    columns: [nameCol, col('Status', 'The status of the namespace'), ageCol],
    row: (o, now) => [o.metadata?.name, o.status?.phase ?? '', age(o, now)],
  },
  nodes: {
    columns: [
      nameCol, col('Status', 'The status of the node'), col('Roles', 'The roles of the node'), ageCol,
      col('Version', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'List of addresses reachable to the node.', 1), col('External-IP', 'List of addresses reachable to the node.', 1),
      col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
      col('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      col('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
    ],
    row: (o, now) => {
      const readyCond = (o.status?.conditions ?? []).find((c: Any) => c.type === 'Ready');
      const status: string[] = [];
      if (readyCond) status.push(readyCond.status === 'True' ? 'Ready' : 'NotReady');
      if (status.length === 0) status.push('Unknown');
      if (o.spec?.unschedulable) status.push('SchedulingDisabled');
      const roles = findNodeRoles(o.metadata?.labels).join(',') || '<none>';
      const info = o.status?.nodeInfo ?? {};
      return [
        o.metadata?.name, status.join(','), roles, age(o, now), info.kubeletVersion ?? '',
        nodeAddress(o, 'InternalIP'), nodeAddress(o, 'ExternalIP'),
        info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>',
      ];
    },
  },
  configmaps: {
    columns: [nameCol, col('Data', 'Data contains the configuration data.'), ageCol],
    row: (o, now) => [o.metadata?.name, count(o.data) + count(o.binaryData), age(o, now)],
  },
  secrets: {
    columns: [nameCol, col('Type', 'Used to facilitate programmatic handling of secret data.'), col('Data', 'Data contains the secret data.'), ageCol],
    row: (o, now) => [o.metadata?.name, o.type ?? '', count(o.data), age(o, now)],
  },
  services: {
    columns: [
      nameCol, col('Type', 'type determines how the Service is exposed.'), col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
      col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      col('Port(s)', 'The list of ports that are exposed by this service.'), ageCol,
      col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', 1),
    ],
    row: (o, now) => [
      o.metadata?.name, o.spec?.type ?? 'ClusterIP', o.spec?.clusterIPs?.[0] ?? o.spec?.clusterIP ?? '<none>',
      serviceExternalIP(o), servicePorts(o.spec?.ports), age(o, now), formatLabels(o.spec?.selector),
    ],
  },
  endpoints: {
    columns: [nameCol, col('Endpoints', 'Endpoints of the service.'), ageCol],
    row: (o, now) => [o.metadata?.name, formatEndpoints(o), age(o, now)],
  },
  events: {
    columns: [
      col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
      col('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
      col('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
      col('Object', 'The object that this event is about.'),
      col('Subobject', 'The subobject that this event is about.', 1),
      col('Source', 'The component reporting this event.', 1),
      col('Message', 'A human-readable description of the status of this operation.'),
      col('First Seen', 'The time at which the event was first recorded.', 1),
      col('Count', 'The number of times this event has occurred.', 1),
      { ...nameCol, priority: 1 },
    ],
    row: eventCells,
  },
  serviceaccounts: {
    columns: [nameCol, col('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), ageCol],
    row: (o, now) => [o.metadata?.name, (o.secrets ?? []).length, age(o, now)],
  },
  'coordination.k8s.io/leases': {
    columns: [nameCol, col('Holder', 'holderIdentity contains the identity of the holder of a current lease.'), ageCol],
    row: (o, now) => [o.metadata?.name, o.spec?.holderIdentity ?? '', age(o, now)],
  },
  'apps/deployments': {
    columns: [
      nameCol, col('Ready', 'Number of the pod with ready state'), col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
      col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'), ageCol,
      containersCol, imagesCol, selectorCol,
    ],
    row: (o, now) => [
      o.metadata?.name, `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas ?? 1)}`, int(o.status?.updatedReplicas), int(o.status?.availableReplicas),
      age(o, now), ...containerCells(o), selectorCell(o.spec?.selector),
    ],
  },
  'apps/replicasets': {
    columns: [
      nameCol, col('Desired', 'Replicas is the number of desired replicas.'), col('Current', 'Replicas is the most recently observed number of replicas.'),
      col('Ready', 'readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition.'), ageCol,
      containersCol, imagesCol, col('Selector', 'Selector is a label query over pods that should match the replica count.', 1),
    ],
    row: (o, now) => [
      o.metadata?.name, int(o.spec?.replicas ?? 1), int(o.status?.replicas), int(o.status?.readyReplicas), age(o, now),
      ...containerCells(o), selectorCell(o.spec?.selector),
    ],
  },
  'apps/daemonsets': {
    columns: [
      nameCol, col('Desired', 'The total number of nodes that should be running the daemon pod.'),
      col('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
      col('Ready', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.'),
      col('Up-to-date', 'The total number of nodes that are running updated daemon pod'),
      col('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
      col('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'), ageCol,
      containersCol, imagesCol, col('Selector', 'A label query over pods that are managed by the daemon set.', 1),
    ],
    row: (o, now) => [
      o.metadata?.name, int(o.status?.desiredNumberScheduled), int(o.status?.currentNumberScheduled), int(o.status?.numberReady),
      int(o.status?.updatedNumberScheduled), int(o.status?.numberAvailable), formatLabels(o.spec?.template?.spec?.nodeSelector), age(o, now),
      ...containerCells(o), selectorCell(o.spec?.selector),
    ],
  },
  'apiextensions.k8s.io/customresourcedefinitions': {
    columns: [nameCol, col('Created At', 'CreationTimestamp is a timestamp representing the server time when this object was created.', 0, 'date')],
    row: (o) => {
      const t = Date.parse(o.metadata?.creationTimestamp ?? '');
      return [o.metadata?.name, Number.isNaN(t) ? '<unknown>' : new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z')];
    },
  },
};
