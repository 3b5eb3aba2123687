// Edged's pod manager (issue 4): desired pods vs the CRI runtime, with kubelet's labels and statuses.
export { createPodManager, type PodManager, type PodManagerOptions, type SyncResult } from './pod-manager.js';
export { createBackoff, type Backoff, type BackoffOptions } from './backoff.js';
export { podStatus, podPhase, containerStatus, type V1PodStatus, type V1ContainerStatus, type ContainerView, type Condition } from './pod-status.js';
export * as criLabels from './labels.js';
