import { KUBE_VERSION } from '@kedge/api';
import { buildOpenAPIV3Doc, builtinComponents, openapiHash } from '@kedge/api/schema/index.js';
import type { Registry } from './registry/registry.js';

interface Docs {
  generation: number;
  byPath: Map<string, { doc: unknown; hash: string; text: string }>;
  rootText: string;
}

/**
 * /openapi/v3 root and one document per group/version (k8s-api.md §4): kubectl's server-side
 * validation check and `explain` read them. Rebuilt lazily whenever the served set changes.
 */
export class OpenApiDocs {
  private cache: Docs | undefined;

  constructor(private readonly registry: Registry) {}

  private build(): Docs {
    const byPath = new Map<string, { doc: unknown; hash: string; text: string }>();
    for (const g of this.registry.groups()) {
      for (const version of g.versions) {
        const defs = this.registry.all().filter((d) => d.group === g.group && d.version === version);
        // Shared meta types (ObjectMeta, Patch, Status, ...) come from the built-ins for CR groups too.
        const components = Object.assign({}, builtinComponents, ...defs.map((d) => d.components));
        const doc = buildOpenAPIV3Doc({
          group: g.group,
          version,
          resources: defs.map((d) => ({ plural: d.plural, kind: d.kind, namespaced: d.namespaced, schemaName: d.schemaName ?? '', subresources: d.subresources, strategicMerge: d.strategicMerge })),
          components,
          kubeVersion: KUBE_VERSION.gitVersion,
        } as Parameters<typeof buildOpenAPIV3Doc>[0]);
        const path = g.group ? `apis/${g.group}/${version}` : `api/${version}`;
        byPath.set(path, { doc, hash: openapiHash(doc), text: JSON.stringify(doc) });
      }
    }
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [p, d] of byPath) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` };
    return { generation: this.registry.generation, byPath, rootText: JSON.stringify({ paths }) };
  }

  private docs(): Docs {
    if (!this.cache || this.cache.generation !== this.registry.generation) this.cache = this.build();
    return this.cache;
  }

  root(): string {
    return this.docs().rootText;
  }

  /** `api/v1` or `apis/apps/v1`; undefined when not served. */
  doc(path: string): string | undefined {
    return this.docs().byPath.get(path)?.text;
  }
}
