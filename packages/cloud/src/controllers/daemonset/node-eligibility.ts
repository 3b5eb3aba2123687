import { nodeMatchesSelectorAndAffinity, untoleratedTaints, type KubeObject, type Toleration } from '@kedge/api';

/** Tolerations upstream adds to every DaemonSet pod (AddOrUpdateDaemonPodTolerations). */
export function daemonTolerations(podSpec: any): Toleration[] {
  const auto: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (podSpec?.hostNetwork) auto.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const own: Toleration[] = structuredClone(podSpec?.tolerations ?? []);
  // An auto toleration replaces a user one for the same key and effect, as upstream's AddOrUpdate does.
  const kept = own.filter((t) => !auto.some((a) => a.key === t.key && a.effect === t.effect));
  return [...kept, ...auto];
}

export interface Placement {
  /** A daemon pod should be created here. */
  shouldRun: boolean;
  /** An existing daemon pod may stay here. */
  shouldContinueRunning: boolean;
}

/**
 * Upstream NodeShouldRunDaemonPod: the node must match nodeName/nodeSelector/required affinity; an
 * untolerated NoExecute taint evicts, an untolerated NoSchedule taint only blocks new pods.
 */
export function nodeShouldRunDaemonPod(node: KubeObject, ds: KubeObject): Placement {
  const spec = ds.spec?.template?.spec ?? {};
  const no: Placement = { shouldRun: false, shouldContinueRunning: false };
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return no;
  if (!nodeMatchesSelectorAndAffinity(spec, node)) return no;
  const untolerated = untoleratedTaints(daemonTolerations(spec), node.spec?.taints, ['NoSchedule', 'NoExecute']);
  if (untolerated.some((t) => t.effect === 'NoExecute')) return no;
  if (untolerated.length > 0) return { shouldRun: false, shouldContinueRunning: true };
  return { shouldRun: true, shouldContinueRunning: true };
}
