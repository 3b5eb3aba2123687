import { isEmptySelector, labelSelectorFromMeta, matchLabels, type MetaLabelSelector } from '@kedge/api/selectors/index.js';

/**
 * Whether a workload's `spec.selector` selects `labels`. A nil, empty or malformed selector matches
 * nothing: upstream refuses to let such a workload claim every pod of its namespace.
 */
export function selectorMatches(sel: MetaLabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  try {
    const s = labelSelectorFromMeta(sel);
    return !isEmptySelector(s) && matchLabels(s, labels);
  } catch {
    return false;
  }
}
