/** v1.TaintEffect; other strings are kept as-is so unknown effects never match a known one. */
export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/** v1.Taint as stored in `node.spec.taints`. */
export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect | (string & {});
  timeAdded?: string;
}

/** v1.Toleration as stored in `pod.spec.tolerations`; an empty operator means Equal. */
export interface Toleration {
  key?: string;
  operator?: 'Equal' | 'Exists' | (string & {});
  value?: string;
  effect?: TaintEffect | (string & {});
  tolerationSeconds?: number;
}

/**
 * Upstream `Toleration.ToleratesTaint` (k8s.io/api/core/v1/toleration.go): an empty effect matches
 * every effect, an empty key matches every key (validation only allows it with Exists), Exists
 * ignores the value, and an unknown operator tolerates nothing.
 */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** The first toleration that tolerates `taint` (upstream v1helper.TolerationsTolerateTaint, returning it for tolerationSeconds). */
export function findToleration(tolerations: readonly Toleration[] | undefined, taint: Taint): Toleration | undefined {
  return (tolerations ?? []).find((t) => toleratesTaint(t, taint));
}

/**
 * The taints with one of `effects` (all effects when omitted) that no toleration tolerates, in node
 * order; upstream FindMatchingUntoleratedTaint returns the first of these.
 */
export function untoleratedTaints(
  tolerations: readonly Toleration[] | undefined,
  taints: readonly Taint[] | undefined,
  effects?: readonly string[],
): Taint[] {
  return (taints ?? []).filter((x) => (!effects || effects.includes(x.effect)) && !findToleration(tolerations, x));
}
