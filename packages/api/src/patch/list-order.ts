import { jsonEqual } from './json-value.js';

/** Identity of a list element: its merge-key value for lists of maps, the value itself for primitives. */
export type KeyOf = (item: unknown) => unknown;

export function indexOfKey(list: readonly unknown[], item: unknown, keyOf: KeyOf): number {
  const k = keyOf(item);
  if (k === undefined) return -1;
  return list.findIndex((x) => jsonEqual(keyOf(x), k));
}

/** Stable sort of `items` by their position in `order`; items missing from `order` keep their relative order at the end. */
export function sortByOrder(items: unknown[], order: readonly unknown[], keyOf: KeyOf): unknown[] {
  const pos = (x: unknown): number => {
    const i = indexOfKey(order, x, keyOf);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return items.map((x, i) => ({ x, i, p: pos(x) })).sort((a, b) => a.p - b.p || a.i - b.i).map((e) => e.x);
}

/**
 * The ordering step of apimachinery strategicpatch (normalizeElementOrder + mergeSortedSlice, see the
 * "preserve order in strategic merge patch" design): `patchItems` are sorted by `patchOrder`,
 * `serverOnly` by their position in the live list, and the two are interleaved. A server-only item
 * goes first only when both items are in the live list and it comes earlier there; otherwise the
 * patch item goes first — so items new to the list land before the remaining server-only items.
 */
export function mergeOrdered(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  keyOf: KeyOf,
): unknown[] {
  const right = sortByOrder(patchItems, patchOrder, keyOf);
  const left = sortByOrder(serverOnly, serverOrder, keyOf);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = indexOfKey(serverOrder, left[i], keyOf);
      const ri = indexOfKey(serverOrder, right[j], keyOf);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Splits `items` into those whose key appears in `by` and the rest, keeping order. */
export function partitionByPresence(items: readonly unknown[], by: readonly unknown[], keyOf: KeyOf): [unknown[], unknown[]] {
  const inList: unknown[] = [];
  const rest: unknown[] = [];
  for (const x of items) (indexOfKey(by, x, keyOf) >= 0 ? inList : rest).push(x);
  return [inList, rest];
}
