// core/v1 PodSpec and its scheduling/security sub-objects (k8s.io/api/core/v1, Kubernetes v1.32).
import type { JSONSchema } from '../types.js';
import {
  arr, atomicStrList, bool, CORE, int, int64, keyedList, META, obj, quantityMap, ref, str, strMap,
} from './helpers.js';

const C = (n: string): string => CORE + n;

const podAffinity = (anti: boolean): JSONSchema => {
  const what = anti ? 'anti-affinity' : 'affinity';
  return obj(
    {
      preferredDuringSchedulingIgnoredDuringExecution: arr(ref(C('WeightedPodAffinityTerm')), `The scheduler will prefer to schedule pods to nodes that satisfy the ${what} expressions specified by this field.`, { listType: 'atomic' }),
      requiredDuringSchedulingIgnoredDuringExecution: arr(ref(C('PodAffinityTerm')), `If the ${what} requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node.`, { listType: 'atomic' }),
    },
    { description: `Pod ${what} is a group of inter pod ${what} scheduling rules.` },
  );
};

export const coreV1PodSpec: Record<string, JSONSchema> = {
  [C('PodSpec')]: obj(
    {
      activeDeadlineSeconds: int64('Optional duration in seconds the pod may be active on the node relative to StartTime before the system will actively try to mark it failed and kill associated containers.'),
      affinity: ref(C('Affinity'), "If specified, the pod's scheduling constraints"),
      automountServiceAccountToken: bool('AutomountServiceAccountToken indicates whether a service account token should be automatically mounted.'),
      containers: keyedList(ref(C('Container')), 'name', 'List of containers belonging to the pod. There must be at least one container in a Pod. Cannot be updated.'),
      dnsConfig: ref(C('PodDNSConfig'), 'Specifies the DNS parameters of a pod. Parameters specified here will be merged to the generated DNS configuration based on DNSPolicy.'),
      dnsPolicy: str("Set DNS policy for the pod. Defaults to \"ClusterFirst\". Valid values are 'ClusterFirstWithHostNet', 'ClusterFirst', 'Default' or 'None'."),
      enableServiceLinks: bool("EnableServiceLinks indicates whether information about services should be injected into pod's environment variables. Defaults to true."),
      ephemeralContainers: keyedList(ref(C('EphemeralContainer')), 'name', 'List of ephemeral containers run in this pod. This field cannot be set when creating a pod; use the ephemeralcontainers subresource.'),
      hostAliases: keyedList(ref(C('HostAlias')), 'ip', "HostAliases is an optional list of hosts and IPs that will be injected into the pod's hosts file if specified."),
      hostIPC: bool("Use the host's ipc namespace. Optional: Default to false."),
      hostNetwork: bool("Host networking requested for this pod. Use the host's network namespace. Default to false."),
      hostPID: bool("Use the host's pid namespace. Optional: Default to false."),
      hostUsers: bool('Use the host\'s user namespace. Optional: Default to true.'),
      hostname: str("Specifies the hostname of the Pod. If not specified, the pod's hostname will be set to a system-defined value."),
      imagePullSecrets: keyedList(ref(C('LocalObjectReference')), 'name', 'ImagePullSecrets is an optional list of references to secrets in the same namespace to use for pulling any of the images used by this PodSpec.'),
      initContainers: keyedList(ref(C('Container')), 'name', 'List of initialization containers belonging to the pod. Init containers are executed in order prior to containers being started.'),
      nodeName: str('NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.'),
      nodeSelector: { ...strMap("NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node."), 'x-kubernetes-map-type': 'atomic' },
      os: ref(C('PodOS'), 'Specifies the OS of the containers in the pod.'),
      overhead: quantityMap('Overhead represents the resource overhead associated with running a pod for a given RuntimeClass.'),
      preemptionPolicy: str('PreemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.'),
      priority: int('The priority value. Various system components use this field to find the priority of the pod.'),
      priorityClassName: str('If specified, indicates the pod\'s priority. "system-node-critical" and "system-cluster-critical" are two special keywords which indicate the highest priorities.'),
      readinessGates: arr(ref(C('PodReadinessGate')), 'If specified, all readiness gates will be evaluated for pod readiness.', { listType: 'atomic' }),
      resourceClaims: keyedList(ref(C('PodResourceClaim')), 'name', 'ResourceClaims defines which ResourceClaims must be allocated and reserved before the Pod is allowed to start.', 'merge,retainKeys'),
      resources: ref(C('ResourceRequirements'), 'Resources is the total amount of CPU and Memory resources required by all containers in the pod (pod-level resources).'),
      restartPolicy: str('Restart policy for all containers within the pod. One of Always, OnFailure, Never. Default to Always.'),
      runtimeClassName: str('RuntimeClassName refers to a RuntimeClass object in the node.k8s.io group, which should be used to run this pod.'),
      schedulerName: str('If specified, the pod will be dispatched by specified scheduler. If not specified, the pod will be dispatched by default scheduler.'),
      schedulingGates: keyedList(ref(C('PodSchedulingGate')), 'name', 'SchedulingGates is an opaque list of values that if specified will block scheduling the pod.'),
      securityContext: ref(C('PodSecurityContext'), 'SecurityContext holds pod-level security attributes and common container settings.'),
      serviceAccount: str('DeprecatedServiceAccount is a deprecated alias for ServiceAccountName. Deprecated: Use serviceAccountName instead.'),
      serviceAccountName: str('ServiceAccountName is the name of the ServiceAccount to use to run this pod.'),
      setHostnameAsFQDN: bool("If true the pod's hostname will be configured as the pod's FQDN, rather than the leaf name (the default)."),
      shareProcessNamespace: bool('Share a single process namespace between all of the containers in a pod. Optional: Default to false.'),
      subdomain: str('If specified, the fully qualified Pod hostname will be "<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>".'),
      terminationGracePeriodSeconds: int64('Optional duration in seconds the pod needs to terminate gracefully. Defaults to 30 seconds.'),
      tolerations: arr(ref(C('Toleration')), "If specified, the pod's tolerations.", { listType: 'atomic' }),
      topologySpreadConstraints: keyedList(ref(C('TopologySpreadConstraint')), ['topologyKey', 'whenUnsatisfiable'], 'TopologySpreadConstraints describes how a group of pods ought to spread across topology domains.'),
      volumes: keyedList(ref(C('Volume')), 'name', 'List of volumes that can be mounted by containers belonging to the pod.', 'merge,retainKeys'),
    },
    { description: 'PodSpec is a description of a pod.', required: ['containers'] },
  ),
  [C('PodSecurityContext')]: obj(
    {
      appArmorProfile: ref(C('AppArmorProfile'), 'appArmorProfile is the AppArmor options to use by the containers in this pod.'),
      fsGroup: int64('A special supplemental group that applies to all containers in a pod.'),
      fsGroupChangePolicy: str('fsGroupChangePolicy defines behavior of changing ownership and permission of the volume before being exposed inside Pod: OnRootMismatch or Always.'),
      runAsGroup: int64('The GID to run the entrypoint of the container process.'),
      runAsNonRoot: bool('Indicates that the container must run as a non-root user.'),
      runAsUser: int64('The UID to run the entrypoint of the container process. Defaults to user specified in image metadata if unspecified.'),
      seLinuxChangePolicy: str('seLinuxChangePolicy defines how the container\'s SELinux label is applied to all volumes used by the Pod: Recursive or MountOption.'),
      seLinuxOptions: ref(C('SELinuxOptions'), 'The SELinux context to be applied to all containers.'),
      seccompProfile: ref(C('SeccompProfile'), 'The seccomp options to use by the containers in this pod.'),
      supplementalGroups: arr({ type: 'integer', format: 'int64' }, 'A list of groups applied to the first process run in each container, in addition to the container\'s primary GID.', { listType: 'atomic' }),
      supplementalGroupsPolicy: str('Defines how supplemental groups of the first container processes are calculated: Merge or Strict.'),
      sysctls: arr(ref(C('Sysctl')), 'Sysctls hold a list of namespaced sysctls used for the pod.', { listType: 'atomic' }),
      windowsOptions: ref(C('WindowsSecurityContextOptions'), 'The Windows specific settings applied to all containers.'),
    },
    { description: 'PodSecurityContext holds pod-level security attributes and common container settings.' },
  ),
  [C('Sysctl')]: obj(
    {
      name: str('Name of a property to set', { default: '' }),
      value: str('Value of a property to set', { default: '' }),
    },
    { description: 'Sysctl defines a kernel parameter to be set', required: ['name', 'value'] },
  ),
  [C('Affinity')]: obj(
    {
      nodeAffinity: ref(C('NodeAffinity'), 'Describes node affinity scheduling rules for the pod.'),
      podAffinity: ref(C('PodAffinity'), 'Describes pod affinity scheduling rules (e.g. co-locate this pod in the same node, zone, etc. as some other pod(s)).'),
      podAntiAffinity: ref(C('PodAntiAffinity'), 'Describes pod anti-affinity scheduling rules (e.g. avoid putting this pod in the same node, zone, etc. as some other pod(s)).'),
    },
    { description: 'Affinity is a group of affinity scheduling rules.' },
  ),
  [C('NodeAffinity')]: obj(
    {
      preferredDuringSchedulingIgnoredDuringExecution: arr(ref(C('PreferredSchedulingTerm')), 'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field.', { listType: 'atomic' }),
      requiredDuringSchedulingIgnoredDuringExecution: ref(C('NodeSelector'), 'If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node.'),
    },
    { description: 'Node affinity is a group of node affinity scheduling rules.' },
  ),
  [C('NodeSelector')]: obj(
    { nodeSelectorTerms: arr(ref(C('NodeSelectorTerm')), 'Required. A list of node selector terms. The terms are ORed.', { listType: 'atomic' }) },
    { description: 'A node selector represents the union of the results of one or more label queries over a set of nodes.', required: ['nodeSelectorTerms'], mapType: 'atomic' },
  ),
  [C('NodeSelectorTerm')]: obj(
    {
      matchExpressions: arr(ref(C('NodeSelectorRequirement')), "A list of node selector requirements by node's labels.", { listType: 'atomic' }),
      matchFields: arr(ref(C('NodeSelectorRequirement')), "A list of node selector requirements by node's fields.", { listType: 'atomic' }),
    },
    { description: 'A null or empty node selector term matches no objects. The requirements of them are ANDed.', mapType: 'atomic' },
  ),
  [C('NodeSelectorRequirement')]: obj(
    {
      key: str('The label key that the selector applies to.', { default: '' }),
      operator: str("Represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist. Gt, and Lt.", { default: '' }),
      values: atomicStrList('An array of string values.'),
    },
    { description: 'A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values.', required: ['key', 'operator'] },
  ),
  [C('PreferredSchedulingTerm')]: obj(
    {
      preference: ref(C('NodeSelectorTerm'), 'A node selector term, associated with the corresponding weight.', { default: {} }),
      weight: int('Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100.'),
    },
    { description: 'An empty preferred scheduling term matches all objects with implicit weight 0.', required: ['weight', 'preference'] },
  ),
  [C('PodAffinity')]: podAffinity(false),
  [C('PodAntiAffinity')]: podAffinity(true),
  [C('PodAffinityTerm')]: obj(
    {
      labelSelector: ref(META + 'LabelSelector', 'A label query over a set of resources, in this case pods.'),
      matchLabelKeys: atomicStrList('MatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration.'),
      mismatchLabelKeys: atomicStrList('MismatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration.'),
      namespaceSelector: ref(META + 'LabelSelector', "A label query over the set of namespaces that the term applies to."),
      namespaces: atomicStrList('namespaces specifies a static list of namespace names that the term applies to.'),
      topologyKey: str('This pod should be co-located (affinity) or not co-located (anti-affinity) with the pods matching the labelSelector in the specified namespaces.', { default: '' }),
    },
    { description: 'Defines a set of pods that this pod should be co-located (affinity) or not co-located (anti-affinity) with.', required: ['topologyKey'] },
  ),
  [C('WeightedPodAffinityTerm')]: obj(
    {
      podAffinityTerm: ref(C('PodAffinityTerm'), 'Required. A pod affinity term, associated with the corresponding weight.', { default: {} }),
      weight: int('weight associated with matching the corresponding podAffinityTerm, in the range 1-100.'),
    },
    { description: 'The weights of all of the matched WeightedPodAffinityTerm fields are added per-node to find the most preferred node(s)', required: ['weight', 'podAffinityTerm'] },
  ),
  [C('Toleration')]: obj(
    {
      effect: str('Effect indicates the taint effect to match. Empty means match all taint effects. Allowed values are NoSchedule, PreferNoSchedule and NoExecute.'),
      key: str('Key is the taint key that the toleration applies to. Empty means match all taint keys.'),
      operator: str("Operator represents a key's relationship to the value. Valid operators are Exists and Equal. Defaults to Equal."),
      tolerationSeconds: int64('TolerationSeconds represents the period of time the toleration (which must be of effect NoExecute) tolerates the taint.'),
      value: str('Value is the taint value the toleration matches to.'),
    },
    { description: 'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>.' },
  ),
  [C('PodDNSConfig')]: obj(
    {
      nameservers: atomicStrList('A list of DNS name server IP addresses.'),
      options: arr(ref(C('PodDNSConfigOption')), 'A list of DNS resolver options.', { listType: 'atomic' }),
      searches: atomicStrList('A list of DNS search domains for host-name lookup.'),
    },
    { description: 'PodDNSConfig defines the DNS parameters of a pod in addition to those generated from DNSPolicy.' },
  ),
  [C('PodDNSConfigOption')]: obj(
    {
      name: str('Name is this DNS resolver option\'s name. Required.'),
      value: str('Value is this DNS resolver option\'s value.'),
    },
    { description: 'PodDNSConfigOption defines DNS resolver options of a pod.' },
  ),
  [C('HostAlias')]: obj(
    {
      hostnames: atomicStrList('Hostnames for the above IP address.'),
      ip: str('IP address of the host file entry.', { default: '' }),
    },
    { description: "HostAlias holds the mapping between IP and hostnames that will be injected as an entry in the pod's hosts file.", required: ['ip'] },
  ),
  [C('TopologySpreadConstraint')]: obj(
    {
      labelSelector: ref(META + 'LabelSelector', 'LabelSelector is used to find matching pods.'),
      matchLabelKeys: atomicStrList('MatchLabelKeys is a set of pod label keys to select the pods over which spreading will be calculated.'),
      maxSkew: int('MaxSkew describes the degree to which pods may be unevenly distributed.'),
      minDomains: int('MinDomains indicates a minimum number of eligible domains.'),
      nodeAffinityPolicy: str('NodeAffinityPolicy indicates how we will treat Pod\'s nodeAffinity/nodeSelector when calculating pod topology spread skew: Honor or Ignore.'),
      nodeTaintsPolicy: str('NodeTaintsPolicy indicates how we will treat node taints when calculating pod topology spread skew: Honor or Ignore.'),
      topologyKey: str('TopologyKey is the key of node labels. Nodes that have a label with this key and identical values are considered to be in the same topology.', { default: '' }),
      whenUnsatisfiable: str('WhenUnsatisfiable indicates how to deal with a pod if it doesn\'t satisfy the spread constraint: DoNotSchedule or ScheduleAnyway.', { default: '' }),
    },
    { description: 'TopologySpreadConstraint specifies how to spread matching pods among the given topology.', required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] },
  ),
  [C('PodReadinessGate')]: obj(
    { conditionType: str("ConditionType refers to a condition in the pod's condition list with matching type.", { default: '' }) },
    { description: 'PodReadinessGate contains the reference to a pod condition', required: ['conditionType'] },
  ),
  [C('PodOS')]: obj(
    { name: str('Name is the name of the operating system. The currently supported values are linux and windows.', { default: '' }) },
    { description: 'PodOS defines the OS parameters of a pod.', required: ['name'] },
  ),
  [C('PodSchedulingGate')]: obj(
    { name: str('Name of the scheduling gate. Each scheduling gate must have a unique name field.', { default: '' }) },
    { description: 'PodSchedulingGate is associated to a Pod to guard its scheduling.', required: ['name'] },
  ),
  [C('PodResourceClaim')]: obj(
    {
      name: str('Name uniquely identifies this resource claim inside the pod. This must be a DNS_LABEL.', { default: '' }),
      resourceClaimName: str('ResourceClaimName is the name of a ResourceClaim object in the same namespace as this pod.'),
      resourceClaimTemplateName: str('ResourceClaimTemplateName is the name of a ResourceClaimTemplate object in the same namespace as this pod.'),
    },
    { description: 'PodResourceClaim references exactly one ResourceClaim, either directly or by naming a ResourceClaimTemplate.', required: ['name'] },
  ),
  [C('LocalObjectReference')]: obj(
    { name: str('Name of the referent.', { default: '' }) },
    { description: 'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.', mapType: 'atomic' },
  ),
};
