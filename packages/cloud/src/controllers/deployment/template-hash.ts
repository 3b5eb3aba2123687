import { wellKnown } from '@kedge/api';
import { canonicalJson } from '../replicaset/replicaset-status.js';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a, 32 bit, over UTF-8 bytes. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Upstream rand.SafeEncodeString: every character maps into an alphabet without vowels (no words)
 * and without look-alikes (0/o, 1/l).
 */
export function safeEncode(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += SAFE_ALPHABET[b % SAFE_ALPHABET.length];
  return out;
}

/** A pod template without the pod-template-hash label: what two revisions are compared by. */
export function templateWithoutHash(template: any): any {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels) {
    delete t.metadata.labels[wellKnown.podTemplateHashLabel];
    if (Object.keys(t.metadata.labels).length === 0) delete t.metadata.labels;
  }
  if (t.metadata && Object.keys(t.metadata).length === 0) delete t.metadata;
  return t;
}

/**
 * Stable short hash of a pod template (upstream ComputeHash: FNV-32a of the template, plus the
 * collision count when set, safe-encoded). Upstream hashes a Go spew dump, which JS cannot
 * reproduce; canonical JSON keeps the property that matters: equal templates hash equal.
 */
export function computeTemplateHash(template: unknown, collisionCount?: number): string {
  let input = canonicalJson(templateWithoutHash(template));
  if (collisionCount) input += `#${collisionCount}`;
  return safeEncode(String(fnv1a32(input)));
}

/** Upstream EqualIgnoreHash: templates equal apart from the pod-template-hash label. */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  return canonicalJson(templateWithoutHash(a)) === canonicalJson(templateWithoutHash(b));
}
