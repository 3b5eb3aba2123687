import type { ResourceRequest } from './request-context.js';
import type { Registry } from './registry/registry.js';

export type Route =
  | { type: 'resource'; r: ResourceRequest }
  | { type: 'apiVersions' } // /api
  | { type: 'apiGroups' } // /apis
  | { type: 'resourceList'; group: string; version: string } // /api/v1, /apis/g/v
  | { type: 'apiGroup'; group: string } // /apis/g
  | { type: 'notFound' };

const namespaceSubresources = new Set(['status', 'finalize']);

/**
 * Splits an API path into group/version/namespace/resource/name/subresource (apiserver's
 * RequestInfoFactory rules): `/api/v1/namespaces/x` is the namespace x itself, `/api/v1/namespaces/x/pods`
 * a namespaced collection, and `/api/v1/namespaces/x/finalize` the namespace's subresource.
 */
export function route(pathname: string, registry: Registry): Route {
  const parts = pathname.split('/').filter((p) => p !== '').map((p) => {
    try { return decodeURIComponent(p); } catch { return p; }
  });
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { type: 'apiVersions' };
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { type: 'apiGroups' };
    if (parts.length === 2) return registry.groups().some((g) => g.group === parts[1] && g.group !== '') ? { type: 'apiGroup', group: parts[1]! } : { type: 'notFound' };
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else return { type: 'notFound' };

  if (rest.length === 0) {
    return registry.groups().some((g) => g.group === group && g.versions.includes(version)) ? { type: 'resourceList', group, version } : { type: 'notFound' };
  }
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && namespaceSubresources.has(rest[2]!))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (!plural || extra.length > 0) return { type: 'notFound' };
  const def = registry.lookup(group, version, plural);
  if (!def) return { type: 'notFound' };
  if (namespace !== undefined && !def.namespaced) return { type: 'notFound' };
  if (subresource !== undefined && !def.subresources.includes(subresource)) return { type: 'notFound' };
  return {
    type: 'resource',
    r: { def, ...(namespace !== undefined ? { namespace } : {}), ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}), watchPath },
  };
}
