/**
 * Resource strings (kubeedge-reference.md §2): cloud side `node/{node}/{ns}/{type}/{name}`
 * (`null` namespace for cluster-scoped objects); CloudHub trims `node/{node}/` before the socket and
 * prepends it to what the edge sends, so the edge sees `{ns}/{type}/{name}`.
 */
export const NULL_NAMESPACE = 'null';

export interface ResourceParts {
  namespace: string;
  type: string;
  /** Absent for list resources such as `{ns}/podlist`. */
  name?: string;
}

export function buildEdgeResource(namespace: string | undefined, type: string, name?: string): string {
  const ns = namespace || NULL_NAMESPACE;
  return name === undefined ? `${ns}/${type}` : `${ns}/${type}/${name}`;
}

export function buildCloudResource(node: string, namespace: string | undefined, type: string, name?: string): string {
  return `node/${node}/${buildEdgeResource(namespace, type, name)}`;
}

/** `{ns}/{type}[/{name...}]`; names may contain '/' (device twin paths), so the rest is the name. */
export function parseEdgeResource(resource: string): ResourceParts | undefined {
  const parts = resource.split('/');
  if (parts.length < 2 || !parts[0] || !parts[1]) return undefined;
  const name = parts.length > 2 ? parts.slice(2).join('/') : undefined;
  return { namespace: parts[0], type: parts[1], ...(name ? { name } : {}) };
}

/** Splits `node/{node}/{rest}`; undefined when the resource does not start with a node segment. */
export function splitNodeResource(resource: string): { node: string; rest: string } | undefined {
  if (!resource.startsWith('node/')) return undefined;
  const i = resource.indexOf('/', 5);
  if (i < 0) return { node: resource.slice(5), rest: '' };
  return { node: resource.slice(5, i), rest: resource.slice(i + 1) };
}

export function trimNodePrefix(resource: string): string {
  return splitNodeResource(resource)?.rest ?? resource;
}

export function prependNode(node: string, resource: string): string {
  return `node/${node}/${resource}`;
}
