// The labels and annotations kubelet puts on CRI sandboxes and containers (pkg/kubelet/types/labels.go,
// kuberuntime/labels.go). Using the same keys lets an EdgeCore restart find and adopt what is running.
export const POD_UID = 'io.kubernetes.pod.uid';
export const POD_NAME = 'io.kubernetes.pod.name';
export const POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const CONTAINER_NAME = 'io.kubernetes.container.name';
/** Annotation: the pod's grace period, so a pod that left the cache can still be stopped gracefully. */
export const GRACE_PERIOD = 'io.kubernetes.pod.terminationGracePeriod';
/** Annotation: hash of the spec fields the container was created from; a change recreates it. */
export const CONTAINER_HASH = 'io.kubernetes.container.hash';

export function podLabels(uid: string, name: string, namespace: string): Record<string, string> {
  return { [POD_UID]: uid, [POD_NAME]: name, [POD_NAMESPACE]: namespace };
}
