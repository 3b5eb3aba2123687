// core/v1 Pod, PodStatus, PodTemplateSpec, Binding and ObjectReference (Kubernetes v1.32).
import type { JSONSchema } from '../types.js';
import { arr, CORE, int64, keyedList, kind, META, obj, ref, str, sub, time } from './helpers.js';

const C = (n: string): string => CORE + n;

const containerStatuses = (what: string): JSONSchema =>
  arr(ref(C('ContainerStatus')), `Statuses of ${what} in this pod.`, { listType: 'atomic' });

export const coreV1Pod: Record<string, JSONSchema> = {
  [C('Pod')]: kind('', 'v1', 'Pod', 'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.', {
    spec: ref(C('PodSpec'), 'Specification of the desired behavior of the pod.', { default: {} }),
    status: ref(C('PodStatus'), 'Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only.', { default: {} }),
  }),
  [C('PodStatus')]: obj(
    {
      conditions: keyedList(ref(C('PodCondition')), 'type', 'Current service state of pod.'),
      containerStatuses: containerStatuses('containers'),
      ephemeralContainerStatuses: containerStatuses('any ephemeral containers that have run'),
      hostIP: str('hostIP holds the IP address of the host to which the pod is assigned. Empty if the pod has not started yet.'),
      hostIPs: arr(ref(C('HostIP')), 'hostIPs holds the IP addresses allocated to the host.', { listType: 'atomic', mergeKey: 'ip', strategy: 'merge' }),
      initContainerStatuses: containerStatuses('init containers'),
      message: str('A human readable message indicating details about why the pod is in this condition.'),
      nominatedNodeName: str('nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.'),
      observedGeneration: int64('If set, this represents the .metadata.generation that the pod status was set based upon.'),
      phase: str('The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle: Pending, Running, Succeeded, Failed or Unknown.'),
      podIP: str('podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.'),
      podIPs: keyedList(ref(C('PodIP')), 'ip', 'podIPs holds the IP addresses allocated to the pod.'),
      qosClass: str('The Quality of Service (QOS) classification assigned to the pod based on resource requirements: Guaranteed, Burstable or BestEffort.'),
      reason: str("A brief CamelCase message indicating details about why the pod is in this state. e.g. 'Evicted'"),
      resize: str('Status of resources resize desired for pod\'s containers: Proposed, InProgress, Deferred or Infeasible.'),
      resourceClaimStatuses: keyedList(ref(C('PodResourceClaimStatus')), 'name', 'Status of resource claims.', 'merge,retainKeys'),
      startTime: time('RFC 3339 date and time at which the object was acknowledged by the Kubelet. This is before the Kubelet pulled the container image(s) for the pod.'),
    },
    { description: 'PodStatus represents information about the status of a pod. Status may trail the actual state of a system.' },
  ),
  [C('PodCondition')]: obj(
    {
      lastProbeTime: time('Last time we probed the condition.'),
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      message: str('Human-readable message indicating details about last transition.'),
      observedGeneration: int64('If set, this represents the .metadata.generation that the pod condition was set based upon.'),
      reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
      status: str('Status is the status of the condition. Can be True, False, Unknown.', { default: '' }),
      type: str('Type is the type of the condition.', { default: '' }),
    },
    { description: 'PodCondition contains details for the current condition of this pod.', required: ['type', 'status'] },
  ),
  [C('PodIP')]: obj({ ip: str('IP is the IP address assigned to the pod', { default: '' }) }, { description: 'PodIP represents a single IP address allocated to the pod.', required: ['ip'] }),
  [C('HostIP')]: obj({ ip: str('IP is the IP address assigned to the host', { default: '' }) }, { description: 'HostIP represents a single IP address allocated to the host.', required: ['ip'] }),
  [C('PodResourceClaimStatus')]: obj(
    {
      name: str('Name uniquely identifies this resource claim inside the pod.', { default: '' }),
      resourceClaimName: str('ResourceClaimName is the name of the ResourceClaim that was generated for the Pod in the namespace of the Pod.'),
    },
    { description: 'PodResourceClaimStatus is stored in the PodStatus for each PodResourceClaim which references a ResourceClaimTemplate.', required: ['name'] },
  ),
  [C('PodTemplateSpec')]: obj(
    {
      metadata: sub(META + 'ObjectMeta', "Standard object's metadata."),
      spec: sub(C('PodSpec'), 'Specification of the desired behavior of the pod.'),
    },
    { description: 'PodTemplateSpec describes the data a pod should have when created from a template' },
  ),
  [C('Binding')]: kind('', 'v1', 'Binding', 'Binding ties one object to another; for example, a pod is bound to a node by a scheduler.', {
    target: sub(C('ObjectReference'), 'The target object that you want to bind to the standard object.'),
  }, { required: ['target'] }),
  [C('ObjectReference')]: obj(
    {
      apiVersion: str('API version of the referent.'),
      fieldPath: str('If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].'),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      namespace: str('Namespace of the referent.'),
      resourceVersion: str('Specific resourceVersion to which this reference is made, if any.'),
      uid: str('UID of the referent.'),
    },
    { description: 'ObjectReference contains enough information to let you inspect or modify the referred object.', mapType: 'atomic' },
  ),
};
