import type { KubeObject } from '@kedge/api';
import type { ResourceDef } from './types.js';
import { builtinDefs } from './builtins.js';
import { defsFromCRD } from './crd-defs.js';

/**
 * The set of served resources: the built-ins plus one definition per served version of every CRD.
 * `generation` moves whenever the set changes so discovery and OpenAPI caches know to rebuild.
 */
export class Registry {
  private readonly defs = new Map<string, ResourceDef>();
  private readonly crdDefs = new Map<string, ResourceDef[]>();
  generation = 0;

  constructor() {
    for (const d of builtinDefs()) this.defs.set(keyOf(d.group, d.version, d.plural), d);
  }

  lookup(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.defs.get(keyOf(group, version, plural));
  }

  /** Looks up the built-in definition of a resource by plural within core or a group (any version). */
  byGroupResource(group: string, plural: string): ResourceDef | undefined {
    for (const d of this.defs.values()) if (d.group === group && d.plural === plural) return d;
    return undefined;
  }

  all(): ResourceDef[] {
    return [...this.defs.values()];
  }

  /** Groups in discovery order: core first, then built-in groups, then CRD groups by name. */
  groups(): Array<{ group: string; versions: string[] }> {
    const out = new Map<string, Set<string>>();
    for (const d of this.defs.values()) {
      if (!out.has(d.group)) out.set(d.group, new Set());
      out.get(d.group)!.add(d.version);
    }
    return [...out.entries()].map(([group, vs]) => ({ group, versions: sortVersions([...vs]) }));
  }

  /** Adds or replaces the resources served for a CRD. Returns false when its names clash with a built-in. */
  setCRD(crd: KubeObject): boolean {
    const name = String(crd.metadata.name);
    this.removeCRD(name, false);
    const defs = defsFromCRD(crd);
    if (defs.some((d) => { const e = this.defs.get(keyOf(d.group, d.version, d.plural)); return e !== undefined && e.crdName === undefined; })) return false;
    for (const d of defs) this.defs.set(keyOf(d.group, d.version, d.plural), d);
    this.crdDefs.set(name, defs);
    this.generation++;
    return true;
  }

  removeCRD(name: string, bump = true): void {
    const defs = this.crdDefs.get(name);
    if (!defs) return;
    for (const d of defs) this.defs.delete(keyOf(d.group, d.version, d.plural));
    this.crdDefs.delete(name);
    if (bump) this.generation++;
  }
}

function keyOf(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first. */
export function sortVersions(vs: string[]): string[] {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0];
    const stage = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return [stage, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  return [...vs].sort((a, b) => {
    const ra = rank(a), rb = rank(b);
    for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
    return a.localeCompare(b);
  });
}
