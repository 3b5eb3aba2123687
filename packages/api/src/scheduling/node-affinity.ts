import type { KubeObject } from '../meta.js';

export type NodeSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

/** v1.NodeSelectorRequirement. */
export interface NodeSelectorRequirement {
  key: string;
  operator: NodeSelectorOperator | (string & {});
  values?: string[];
}

/** v1.NodeSelectorTerm: every requirement of both lists must hold. */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** The parts of a v1.PodSpec that decide which nodes may run the pod. */
export interface NodePlacementSpec {
  nodeSelector?: Record<string, string>;
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): optional sign, decimal digits, int64 range; undefined when it fails. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

const own = (o: Record<string, string>, k: string) => (Object.hasOwn(o, k) ? o[k] : undefined);

/**
 * One matchExpressions requirement against a label value (labels.Requirement.Matches). A requirement
 * upstream's labels.NewRequirement rejects (In/NotIn without values, Exists/DoesNotExist with values,
 * Gt/Lt without exactly one integer, an unknown operator) is false, so its term matches nothing as upstream.
 */
function labelRequirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return vals.length > 0 && value !== undefined && vals.includes(value);
    case 'NotIn':
      return vals.length > 0 && (value === undefined || !vals.includes(value));
    case 'Exists':
      return vals.length === 0 && value !== undefined;
    case 'DoesNotExist':
      return vals.length === 0 && value === undefined;
    case 'Gt':
    case 'Lt': {
      const limit = vals.length === 1 ? parseInt64(vals[0]!) : undefined;
      const v = value === undefined ? undefined : parseInt64(value);
      if (limit === undefined || v === undefined) return false;
      return r.operator === 'Gt' ? v > limit : v < limit;
    }
    default:
      return false;
  }
}

/** One matchFields requirement: upstream accepts only `metadata.name` with In/NotIn and exactly one value. */
function fieldRequirementMatches(r: NodeSelectorRequirement, node: KubeObject): boolean {
  if (r.key !== 'metadata.name' || r.values?.length !== 1) return false;
  const equal = node.metadata.name === r.values[0];
  return r.operator === 'In' ? equal : r.operator === 'NotIn' && !equal;
}

/**
 * A NodeSelectorTerm (component-helpers nodeaffinity): its requirements are ANDed, an empty term
 * matches nothing, and a term with an invalid requirement matches nothing.
 */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: KubeObject): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels: Record<string, string> = node.metadata.labels ?? {};
  return exprs.every((r) => labelRequirementMatches(r, own(labels, r.key))) && fields.every((r) => fieldRequirementMatches(r, node));
}

/**
 * Upstream RequiredNodeAffinity.Match: `spec.nodeSelector` (every label equal) AND, when present, the
 * required node affinity terms (ORed; an empty list matches nothing).
 */
export function nodeMatchesSelectorAndAffinity(podSpec: NodePlacementSpec | undefined, node: KubeObject): boolean {
  const labels: Record<string, string> = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(podSpec?.nodeSelector ?? {})) if (own(labels, k) !== v) return false;
  const terms = podSpec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms) return true;
  return terms.some((t) => nodeSelectorTermMatches(t, node));
}
