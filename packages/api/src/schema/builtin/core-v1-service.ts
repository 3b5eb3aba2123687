// core/v1 Service, Endpoints and Event (Kubernetes v1.32).
import type { JSONSchema } from '../types.js';
import {
  arr, atomicStrList, bool, CORE, int, intOrString, keyedList, kind, META, microTime, obj, ref, str, strMap, sub, time,
} from './helpers.js';

const C = (n: string): string => CORE + n;

export const coreV1Service: Record<string, JSONSchema> = {
  [C('Service')]: kind('', 'v1', 'Service', 'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.', {
    spec: ref(C('ServiceSpec'), 'Spec defines the behavior of a service.', { default: {} }),
    status: ref(C('ServiceStatus'), 'Most recently observed status of the service. Populated by the system. Read-only.', { default: {} }),
  }),
  [C('ServiceSpec')]: obj(
    {
      allocateLoadBalancerNodePorts: bool('allocateLoadBalancerNodePorts defines if NodePorts will be automatically allocated for services with type LoadBalancer. Default is "true".'),
      clusterIP: str('clusterIP is the IP address of the service and is usually assigned randomly. "None" makes a headless service.'),
      clusterIPs: atomicStrList('ClusterIPs is a list of IP addresses assigned to this service, and are usually assigned randomly.'),
      externalIPs: atomicStrList('externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      externalName: str('externalName is the external reference that discovery mechanisms will return as an alias for this service (e.g. a DNS CNAME record). Requires type ExternalName.'),
      externalTrafficPolicy: str('externalTrafficPolicy describes how nodes distribute service traffic they receive on one of the Service\'s "externally-facing" addresses: Cluster or Local.'),
      healthCheckNodePort: int('healthCheckNodePort specifies the healthcheck nodePort for the service.'),
      internalTrafficPolicy: str('InternalTrafficPolicy describes how nodes distribute service traffic they receive on the ClusterIP: Cluster or Local.'),
      ipFamilies: atomicStrList('IPFamilies is a list of IP families (e.g. IPv4, IPv6) assigned to this service.'),
      ipFamilyPolicy: str('IPFamilyPolicy represents the dual-stack-ness requested or required by this Service: SingleStack, PreferDualStack or RequireDualStack.'),
      loadBalancerClass: str('loadBalancerClass is the class of the load balancer implementation this Service belongs to.'),
      loadBalancerIP: str('Only applies to Service Type: LoadBalancer. Deprecated.'),
      loadBalancerSourceRanges: atomicStrList('If specified and supported by the platform, traffic through the cloud-provider load-balancer will be restricted to the specified client IPs.'),
      ports: keyedList(ref(C('ServicePort')), ['port', 'protocol'], 'The list of ports that are exposed by this service.'),
      publishNotReadyAddresses: bool('publishNotReadyAddresses indicates that any agent which deals with endpoints for this Service should disregard any indications of ready/not-ready.'),
      selector: { ...strMap('Route service traffic to pods with label keys and values matching this selector.'), 'x-kubernetes-map-type': 'atomic' },
      sessionAffinity: str('Supports "ClientIP" and "None". Used to maintain session affinity. Defaults to None.'),
      sessionAffinityConfig: ref(C('SessionAffinityConfig'), 'sessionAffinityConfig contains the configurations of session affinity.'),
      trafficDistribution: str('TrafficDistribution offers a way to express preferences for how traffic is distributed to Service endpoints, e.g. PreferClose.'),
      type: str('type determines how the Service is exposed: ExternalName, ClusterIP, NodePort, and LoadBalancer. Defaults to ClusterIP.'),
    },
    { description: 'ServiceSpec describes the attributes that a user creates on a service.' },
  ),
  [C('ServicePort')]: obj(
    {
      appProtocol: str('The application protocol for this port. This is used as a hint for implementations to offer richer behavior for protocols that they understand.'),
      name: str('The name of this port within the service. This must be a DNS_LABEL. All ports within a ServiceSpec must have unique names.'),
      nodePort: int('The port on each node on which this service is exposed when type is NodePort or LoadBalancer.'),
      port: int('The port that will be exposed by this service.'),
      protocol: str('The IP protocol for this port. Supports "TCP", "UDP", and "SCTP". Default is TCP.', { default: 'TCP' }),
      targetPort: intOrString('Number or name of the port to access on the pods targeted by the service. Defaults to the value of the port field.'),
    },
    { description: "ServicePort contains information on service's port.", required: ['port'] },
  ),
  [C('SessionAffinityConfig')]: obj(
    { clientIP: ref(C('ClientIPConfig'), 'clientIP contains the configurations of Client IP based session affinity.') },
    { description: 'SessionAffinityConfig represents the configurations of session affinity.' },
  ),
  [C('ClientIPConfig')]: obj(
    { timeoutSeconds: int('timeoutSeconds specifies the seconds of ClientIP type session sticky time. Default value is 10800 (3 hours).') },
    { description: 'ClientIPConfig represents the configurations of Client IP based session affinity.' },
  ),
  [C('ServiceStatus')]: obj(
    {
      conditions: keyedList(ref(META + 'Condition'), 'type', 'Current service state'),
      loadBalancer: sub(C('LoadBalancerStatus'), 'LoadBalancer contains the current status of the load-balancer, if one is present.'),
    },
    { description: 'ServiceStatus represents the current status of a service.' },
  ),
  [C('LoadBalancerStatus')]: obj(
    { ingress: arr(ref(C('LoadBalancerIngress')), 'Ingress is a list containing ingress points for the load-balancer.', { listType: 'atomic' }) },
    { description: 'LoadBalancerStatus represents the status of a load-balancer.' },
  ),
  [C('LoadBalancerIngress')]: obj(
    {
      hostname: str('Hostname is set for load-balancer ingress points that are DNS based (typically AWS load-balancers)'),
      ip: str('IP is set for load-balancer ingress points that are IP based (typically GCE or OpenStack load-balancers)'),
      ipMode: str('IPMode specifies how the load-balancer IP behaves, and may only be specified when the ip field is specified: VIP or Proxy.'),
      ports: arr(ref(C('PortStatus')), 'Ports is a list of records of service ports.', { listType: 'atomic' }),
    },
    { description: 'LoadBalancerIngress represents the status of a load-balancer ingress point.' },
  ),
  [C('PortStatus')]: obj(
    {
      error: str('Error is to record the problem with the service port, in CamelCase.'),
      port: int('Port is the port number of the service port of which status is recorded here'),
      protocol: str('Protocol is the protocol of the service port of which status is recorded here: TCP, UDP or SCTP.', { default: '' }),
    },
    { description: 'PortStatus represents the error condition of a service port.', required: ['port', 'protocol'] },
  ),

  [C('Endpoints')]: kind('', 'v1', 'Endpoints', 'Endpoints is a collection of endpoints that implement the actual service.', {
    subsets: arr(ref(C('EndpointSubset')), 'The set of all endpoints is the union of all subsets.', { listType: 'atomic' }),
  }),
  [C('EndpointSubset')]: obj(
    {
      addresses: arr(ref(C('EndpointAddress')), 'IP addresses which offer the related ports that are marked as ready.', { listType: 'atomic' }),
      notReadyAddresses: arr(ref(C('EndpointAddress')), 'IP addresses which offer the related ports but are not currently marked as ready.', { listType: 'atomic' }),
      ports: arr(ref(C('EndpointPort')), 'Port numbers available on the related IP addresses.', { listType: 'atomic' }),
    },
    { description: 'EndpointSubset is a group of addresses with a common set of ports.' },
  ),
  [C('EndpointAddress')]: obj(
    {
      hostname: str('The Hostname of this endpoint'),
      ip: str('The IP of this endpoint.', { default: '' }),
      nodeName: str('Optional: Node hosting this endpoint. This can be used to determine endpoints local to a node.'),
      targetRef: ref(C('ObjectReference'), 'Reference to object providing the endpoint.'),
    },
    { description: 'EndpointAddress is a tuple that describes single IP address.', required: ['ip'], mapType: 'atomic' },
  ),
  [C('EndpointPort')]: obj(
    {
      appProtocol: str('The application protocol for this port.'),
      name: str("The name of this port. This must match the 'name' field in the corresponding ServicePort."),
      port: int('The port number of the endpoint.'),
      protocol: str('The IP protocol for this port. Must be UDP, TCP, or SCTP. Default is TCP.'),
    },
    { description: 'EndpointPort is a tuple that describes a single port.', required: ['port'], mapType: 'atomic' },
  ),

  [C('Event')]: kind('', 'v1', 'Event', 'Event is a report of an event somewhere in the cluster.', {
    action: str('What action was taken/failed regarding to the Regarding object.'),
    count: int('The number of times this event has occurred.'),
    eventTime: microTime('Time when this Event was first observed.'),
    firstTimestamp: time('The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)'),
    involvedObject: sub(C('ObjectReference'), 'The object that this event is about.'),
    lastTimestamp: time('The time at which the most recent occurrence of this event was recorded.'),
    message: str('A human-readable description of the status of this operation.'),
    reason: str("This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    related: ref(C('ObjectReference'), 'Optional secondary object for more complex actions.'),
    reportingComponent: str('Name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`.', { default: '' }),
    reportingInstance: str('ID of the controller instance, e.g. `kubelet-xyzf`.', { default: '' }),
    series: ref(C('EventSeries'), "Data about the Event series this event represents or nil if it's a singleton Event."),
    source: sub(C('EventSource'), 'The component reporting this event. Should be a short machine understandable string.'),
    type: str('Type of this event (Normal, Warning), new types could be added in the future'),
  }, { required: ['metadata', 'involvedObject'] }),
  [C('EventSeries')]: obj(
    {
      count: int('Number of occurrences in this series up to the last heartbeat time'),
      lastObservedTime: microTime('Time of the last occurrence observed'),
    },
    { description: 'EventSeries contain information on series of events, i.e. thing that was/is happening continuously for some time.' },
  ),
  [C('EventSource')]: obj(
    {
      component: str('Component from which the event is generated.'),
      host: str('Node name on which the event is generated.'),
    },
    { description: 'EventSource contains information for an event.' },
  ),
};
