// The few Kubernetes/KubeEdge fields the dashboard reads (types only; erased at compile time).

export interface Meta { name: string; namespace?: string; resourceVersion?: string; uid?: string; creationTimestamp?: string }
export interface KObj { metadata: Meta }
export interface Condition { type: string; status: string; reason?: string; message?: string; lastHeartbeatTime?: string; lastTransitionTime?: string }

export interface Node extends KObj {
  status?: { conditions?: Condition[]; nodeInfo?: { kubeletVersion?: string; osImage?: string; architecture?: string }; addresses?: { type: string; address: string }[] };
}
export interface Lease extends KObj { spec?: { renewTime?: string; holderIdentity?: string } }
export interface ContainerStatus { name: string; ready?: boolean; restartCount?: number; state?: Record<string, { reason?: string } | undefined> }
export interface Pod extends KObj {
  spec?: { nodeName?: string; containers?: { name: string }[] };
  status?: { phase?: string; reason?: string; containerStatuses?: ContainerStatus[] };
}
export interface TwinValue { value?: string; metadata?: Record<string, string> }
export interface DeviceProperty { name: string; desired?: TwinValue; [k: string]: unknown }
export interface Device extends KObj {
  spec?: { nodeName?: string; deviceModelRef?: { name?: string }; protocol?: { protocolName?: string }; properties?: DeviceProperty[] };
  status?: {
    state?: string;
    lastOnlineTime?: string;
    twins?: { propertyName: string; reported?: TwinValue; observedDesired?: TwinValue }[];
    extensions?: { spool?: { buffered?: number; bufferedBytes?: number; dropped?: number } };
  };
}
export interface KEvent extends KObj {
  type?: string; reason?: string; message?: string; count?: number;
  lastTimestamp?: string; eventTime?: string; firstTimestamp?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string };
}

/** One node as /dashboard/api/fleet reports it (mirrors FleetNode on the server). */
export interface FleetNode {
  node: string; connected: boolean; connectedAt?: number; queueDepth: number; inFlight: number; pendingSince?: number;
  history: { from: number; to: number; connected: boolean }[];
}
