export { createNodeStatus, type NodeStatusOptions, type NodeStatusReporter } from './node-status.js';
export { nodeObject, nodeStatus, leaseObject, conditions, microTime, kubeTime, ConditionClock, KUBELET_PORT, type NodeIdentity, type Condition } from './node-object.js';
export { probeHost, firstIPv4, goArch, kubeletVersion, type HostFacts, type HostProbe } from './host-info.js';
