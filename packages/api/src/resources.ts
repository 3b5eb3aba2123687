/** Identifies one REST resource of the API: enough for a client to build its URL. */
export interface ResourceRef {
  group: string; // '' for core/v1
  version: string;
  resource: string; // plural, lowercase: 'pods'
  kind: string;
  namespaced: boolean;
}

const ref = (group: string, version: string, resource: string, kind: string, namespaced: boolean): ResourceRef =>
  Object.freeze({ group, version, resource, kind, namespaced });

/** The built-in resources kedge serves and uses; CRDs add more at run time. */
export const R = Object.freeze({
  namespaces: ref('', 'v1', 'namespaces', 'Namespace', false),
  nodes: ref('', 'v1', 'nodes', 'Node', false),
  pods: ref('', 'v1', 'pods', 'Pod', true),
  configmaps: ref('', 'v1', 'configmaps', 'ConfigMap', true),
  secrets: ref('', 'v1', 'secrets', 'Secret', true),
  services: ref('', 'v1', 'services', 'Service', true),
  endpoints: ref('', 'v1', 'endpoints', 'Endpoints', true),
  events: ref('', 'v1', 'events', 'Event', true),
  serviceaccounts: ref('', 'v1', 'serviceaccounts', 'ServiceAccount', true),
  leases: ref('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  deployments: ref('apps', 'v1', 'deployments', 'Deployment', true),
  replicasets: ref('apps', 'v1', 'replicasets', 'ReplicaSet', true),
  daemonsets: ref('apps', 'v1', 'daemonsets', 'DaemonSet', true),
  customresourcedefinitions: ref('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
  devices: ref('devices.kubeedge.io', 'v1beta1', 'devices', 'Device', true),
  devicemodels: ref('devices.kubeedge.io', 'v1beta1', 'devicemodels', 'DeviceModel', true),
  objectsyncs: ref('reliablesyncs.kubeedge.io', 'v1alpha1', 'objectsyncs', 'ObjectSync', true),
  clusterobjectsyncs: ref('reliablesyncs.kubeedge.io', 'v1alpha1', 'clusterobjectsyncs', 'ClusterObjectSync', false),
});

export function apiVersionOf(r: ResourceRef): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** URL path of a collection or object: /api/v1/namespaces/ns/pods[/name[/sub]]. */
export function resourcePath(r: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

/** Well-known labels, annotations and names shared by cloud and edge. */
export const wellKnown = Object.freeze({
  edgeRoleLabel: 'node-role.kubernetes.io/edge',
  agentRoleLabel: 'node-role.kubernetes.io/agent',
  taintUnreachable: 'node.kubernetes.io/unreachable',
  taintNotReady: 'node.kubernetes.io/not-ready',
  taintUnschedulable: 'node.kubernetes.io/unschedulable',
  nodeLeaseNamespace: 'kube-node-lease',
  podTemplateHashLabel: 'pod-template-hash',
  revisionAnnotation: 'deployment.kubernetes.io/revision',
  lastAppliedAnnotation: 'kubectl.kubernetes.io/last-applied-configuration',
  finalizerKubernetes: 'kubernetes',
  finalizerForeground: 'foregroundDeletion',
  finalizerOrphan: 'orphan',
});
