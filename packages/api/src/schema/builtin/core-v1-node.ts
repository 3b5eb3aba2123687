// core/v1 Node, NodeSpec, NodeStatus and their sub-objects (Kubernetes v1.32).
import type { JSONSchema } from '../types.js';
import { arr, atomicStrList, bool, CORE, int, int64, keyedList, kind, obj, open, quantityMap, ref, str, strList, sub, time } from './helpers.js';

const C = (n: string): string => CORE + n;

const SYSTEM_INFO: Array<[string, string]> = [
  ['architecture', 'The Architecture reported by the node'],
  ['bootID', 'Boot ID reported by the node.'],
  ['containerRuntimeVersion', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).'],
  ['kernelVersion', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."],
  ['kubeProxyVersion', 'Deprecated: KubeProxy Version reported by the node.'],
  ['kubeletVersion', 'Kubelet Version reported by the node.'],
  ['machineID', 'MachineID reported by the node. For unique machine identification in the cluster this field is preferred.'],
  ['operatingSystem', 'The Operating System reported by the node'],
  ['osImage', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'],
  ['systemUUID', 'SystemUUID reported by the node. For unique machine identification MachineID is preferred.'],
];

export const coreV1Node: Record<string, JSONSchema> = {
  [C('Node')]: kind('', 'v1', 'Node', 'Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).', {
    spec: ref(C('NodeSpec'), 'Spec defines the behavior of a node.', { default: {} }),
    status: ref(C('NodeStatus'), 'Most recently observed status of the node. Populated by the system. Read-only.', { default: {} }),
  }),
  [C('NodeSpec')]: obj(
    {
      configSource: open('Deprecated: Previously used to specify the source of the node\'s configuration for the DynamicKubeletConfig feature.'),
      externalID: str('Deprecated. Not all kubelets will set this field.'),
      podCIDR: str('PodCIDR represents the pod IP range assigned to the node.'),
      podCIDRs: strList('podCIDRs represents the IP ranges assigned to the node for usage by Pods on that node.', { listType: 'set', strategy: 'merge' }),
      providerID: str('ID of the node assigned by the cloud provider in the format: <ProviderName>://<ProviderSpecificNodeID>'),
      taints: arr(ref(C('Taint')), "If specified, the node's taints.", { listType: 'atomic' }),
      unschedulable: bool('Unschedulable controls node schedulability of new pods. By default, node is schedulable.'),
    },
    { description: 'NodeSpec describes the attributes that a node is created with.' },
  ),
  [C('Taint')]: obj(
    {
      effect: str('Required. The effect of the taint on pods that do not tolerate the taint. Valid effects are NoSchedule, PreferNoSchedule and NoExecute.', { default: '' }),
      key: str('Required. The taint key to be applied to a node.', { default: '' }),
      timeAdded: time('TimeAdded represents the time at which the taint was added.'),
      value: str('The taint value corresponding to the taint key.'),
    },
    { description: 'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.', required: ['key', 'effect'] },
  ),
  [C('NodeStatus')]: obj(
    {
      addresses: keyedList(ref(C('NodeAddress')), 'type', 'List of addresses reachable to the node. Queried from cloud provider, if available.'),
      allocatable: quantityMap('Allocatable represents the resources of a node that are available for scheduling. Defaults to Capacity.'),
      capacity: quantityMap('Capacity represents the total resources of a node.'),
      conditions: keyedList(ref(C('NodeCondition')), 'type', 'Conditions is an array of current observed node conditions.'),
      config: open('Status of the config assigned to the node via the dynamic Kubelet config feature.'),
      daemonEndpoints: sub(C('NodeDaemonEndpoints'), 'Endpoints of daemons running on the Node.'),
      features: open('Features describes the set of features implemented by the CRI implementation.'),
      images: arr(ref(C('ContainerImage')), 'List of container images on this node', { listType: 'atomic' }),
      nodeInfo: sub(C('NodeSystemInfo'), 'Set of ids/uuids to uniquely identify the node.'),
      phase: str('NodePhase is the recently observed lifecycle phase of the node. Deprecated.'),
      runtimeHandlers: arr(ref(C('NodeRuntimeHandler')), 'The available runtime handlers.', { listType: 'atomic' }),
      volumesAttached: arr(ref(C('AttachedVolume')), 'List of volumes that are attached to the node.', { listType: 'atomic' }),
      volumesInUse: atomicStrList('List of attachable volumes in use (mounted) by the node.'),
    },
    { description: 'NodeStatus is information about the current status of a node.' },
  ),
  [C('NodeAddress')]: obj(
    {
      address: str('The node address.', { default: '' }),
      type: str('Node address type, one of Hostname, ExternalIP or InternalIP.', { default: '' }),
    },
    { description: "NodeAddress contains information for the node's address.", required: ['type', 'address'] },
  ),
  [C('NodeCondition')]: obj(
    {
      lastHeartbeatTime: time('Last time we got an update on a given condition.'),
      lastTransitionTime: time('Last time the condition transit from one status to another.'),
      message: str('Human readable message indicating details about last transition.'),
      reason: str("(brief) reason for the condition's last transition."),
      status: str('Status of the condition, one of True, False, Unknown.', { default: '' }),
      type: str('Type of node condition.', { default: '' }),
    },
    { description: 'NodeCondition contains condition information for a node.', required: ['type', 'status'] },
  ),
  [C('NodeDaemonEndpoints')]: obj(
    { kubeletEndpoint: sub(C('DaemonEndpoint'), 'Endpoint on which Kubelet is listening.') },
    { description: 'NodeDaemonEndpoints lists ports opened by daemons running on the Node.' },
  ),
  [C('DaemonEndpoint')]: obj({ Port: int('Port number of the given endpoint.') }, { description: 'DaemonEndpoint contains information about a single Daemon endpoint.', required: ['Port'] }),
  [C('ContainerImage')]: obj(
    {
      names: atomicStrList('Names by which this image is known. e.g. ["kubernetes.example/hyperkube:v1.0.7", "cloud-vendor.registry.example/cloud-vendor/hyperkube:v1.0.7"]'),
      sizeBytes: int64('The size of the image in bytes.'),
    },
    { description: 'Describe a container image' },
  ),
  [C('NodeSystemInfo')]: obj(
    {
      ...Object.fromEntries(SYSTEM_INFO.map(([k, d]) => [k, str(d, { default: '' })])),
      swap: open('Swap Info reported by the node.'),
    },
    // Upstream lists every field as required (each defaults to ""); kedge leaves them optional so an
    // edge agent that cannot report e.g. kubeProxyVersion is not rejected.
    { description: 'NodeSystemInfo is a set of ids/uuids to uniquely identify the node.' },
  ),
  [C('NodeRuntimeHandler')]: obj(
    {
      features: open('Supported features.'),
      name: str('Runtime handler name. Empty for the default runtime handler.'),
    },
    { description: 'NodeRuntimeHandler is a set of runtime handler information.' },
  ),
  [C('AttachedVolume')]: obj(
    {
      devicePath: str('DevicePath represents the device path where the volume should be available', { default: '' }),
      name: str('Name of the attached volume', { default: '' }),
    },
    { description: 'AttachedVolume describes a volume attached to a node', required: ['name', 'devicePath'] },
  ),
};
