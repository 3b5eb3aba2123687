import type { IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import type { Registry } from './registry/registry.js';
import type { ResourceDef } from './registry/types.js';

const subVerbs: Record<string, string[]> = {
  status: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
  finalize: ['update'],
  binding: ['create'],
  eviction: ['create'],
  log: ['get'],
  exec: ['create', 'get'],
  token: ['create'],
};

function subKind(def: ResourceDef, sub: string): { group: string; version: string; kind: string } {
  switch (sub) {
    case 'scale': return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
    case 'binding': return { group: '', version: 'v1', kind: 'Binding' };
    case 'eviction': return { group: 'policy', version: 'v1', kind: 'Eviction' };
    case 'log': return { group: '', version: 'v1', kind: 'Pod' };
    case 'exec': return { group: '', version: 'v1', kind: 'PodExecOptions' };
    case 'token': return { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' };
    default: return { group: def.group, version: def.version, kind: def.kind };
  }
}

function storageVersionHash(def: ResourceDef): string {
  return createHash('sha256').update(`${def.group}/${def.version}/${def.kind}`).digest('base64').slice(0, 11);
}

/** Which aggregated discovery version the Accept header asks for, if any (never guess: k8s-api.md §2). */
export function aggregatedVersion(req: IncomingMessage): 'v2' | 'v2beta1' | undefined {
  const accept = String(req.headers.accept ?? '');
  for (const part of accept.split(',')) {
    if (!/as=APIGroupDiscoveryList/.test(part) || !/g=apidiscovery\.k8s\.io/.test(part)) continue;
    if (/v=v2beta1/.test(part)) return 'v2beta1';
    if (/v=v2(;|$|\s)/.test(part)) return 'v2';
  }
  return undefined;
}

export function aggregatedContentType(v: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
}

function aggregatedResource(def: ResourceDef): Record<string, unknown> {
  return {
    resource: def.plural,
    responseKind: { group: def.group, version: def.version, kind: def.kind },
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: def.verbs,
    ...(def.shortNames.length ? { shortNames: def.shortNames } : {}),
    ...(def.categories.length ? { categories: def.categories } : {}),
    ...(def.subresources.length ? {
      subresources: def.subresources.map((s) => ({ subresource: s, responseKind: subKind(def, s), verbs: subVerbs[s] ?? ['get'] })),
    } : {}),
  };
}

/** APIGroupDiscoveryList for `/api` (core only) or `/apis` (all named groups). */
export function aggregatedDiscovery(registry: Registry, core: boolean, v: 'v2' | 'v2beta1'): unknown {
  const items = registry.groups().filter((g) => (g.group === '') === core).map((g) => ({
    metadata: { name: g.group, creationTimestamp: null },
    versions: g.versions.map((version) => ({
      version,
      freshness: 'Current',
      resources: registry.all().filter((d) => d.group === g.group && d.version === version).map(aggregatedResource),
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${v}`, metadata: {}, items };
}

export function apiVersions(): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] };
}

function apiGroup(g: { group: string; versions: string[] }): Record<string, unknown> {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v }));
  return { name: g.group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(registry: Registry): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().filter((g) => g.group !== '').map(apiGroup) };
}

export function apiGroupDoc(registry: Registry, group: string): unknown {
  const g = registry.groups().find((x) => x.group === group)!;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) };
}

/** Legacy APIResourceList of one group/version, subresources as `pods/log` entries. */
export function apiResourceList(registry: Registry, group: string, version: string): unknown {
  const resources: unknown[] = [];
  for (const def of registry.all().filter((d) => d.group === group && d.version === version)) {
    resources.push({
      name: def.plural, singularName: def.singular, namespaced: def.namespaced, kind: def.kind, verbs: def.verbs,
      ...(def.shortNames.length ? { shortNames: def.shortNames } : {}),
      ...(def.categories.length ? { categories: def.categories } : {}),
      storageVersionHash: storageVersionHash(def),
    });
    for (const s of def.subresources) {
      const k = subKind(def, s);
      resources.push({
        name: `${def.plural}/${s}`, singularName: '', namespaced: def.namespaced, kind: k.kind, verbs: subVerbs[s] ?? ['get'],
        ...(k.group !== def.group || k.version !== def.version ? { group: k.group, version: k.version } : {}),
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
