import { ApiError, parseQuantity, type KubeObject } from '@kedge/api';

/** Node facts the downward API exposes; kubelet takes them from its own node status. */
export interface NodeInfo {
  name: string;
  hostIP: string;
  hostIPs?: string[];
  /** Node allocatable, used by resourceFieldRef when the container sets no limit (kubelet's rule). */
  allocatable?: Record<string, string>;
}

/** What a fieldRef reads besides the pod object itself. */
export interface FieldContext {
  node: NodeInfo;
  /** The sandbox's IPs; when absent, `status.podIP(s)` of the pod object are used. */
  podIPs?: string[];
}

const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.*)'\]$/;

// Go's strconv.Quote for the downward API's `key="value"` map files; JSON escaping matches it for text.
function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m![k])}`)
    .join('\n');
}

/**
 * The value of a downward API fieldRef (kubelet podFieldSelectorRuntimeValue + fieldpath
 * ExtractFieldPathAsString). Whole `metadata.labels`/`metadata.annotations` maps are only valid in
 * volumes, so env callers pass `allowMaps: false`.
 */
export function podFieldValue(pod: KubeObject, fieldPath: string, ctx: FieldContext, allowMaps = false): string {
  const md = pod.metadata;
  const sub = SUBSCRIPT.exec(fieldPath);
  if (sub) {
    const map = (sub[1] === 'labels' ? md.labels : md.annotations) ?? {};
    return map[sub[2]!] ?? '';
  }
  const podIPs = ctx.podIPs ?? (pod.status?.podIPs as { ip: string }[] | undefined)?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP as string] : []);
  switch (fieldPath) {
    case 'metadata.name': return md.name ?? '';
    case 'metadata.namespace': return md.namespace ?? '';
    case 'metadata.uid': return md.uid ?? '';
    case 'spec.nodeName': return (pod.spec?.nodeName as string | undefined) ?? ctx.node.name;
    case 'spec.serviceAccountName': return (pod.spec?.serviceAccountName as string | undefined) ?? '';
    case 'status.hostIP': return ctx.node.hostIP;
    case 'status.hostIPs': return (ctx.node.hostIPs ?? [ctx.node.hostIP]).join(',');
    case 'status.podIP': return podIPs[0] ?? '';
    case 'status.podIPs': return podIPs.join(',');
    case 'metadata.labels':
    case 'metadata.annotations':
      if (allowMaps) return formatMap(fieldPath === 'metadata.labels' ? md.labels : md.annotations);
  }
  throw new ApiError('Invalid', `unsupported fieldRef fieldPath "${fieldPath}"`);
}

export interface ResourceFieldSelector {
  containerName?: string;
  resource: string;
  divisor?: string | number;
}

/**
 * The value of a resourceFieldRef (kubelet ExtractContainerResourceValue): cpu rounds up to whole
 * divisors counted in millicores, everything else rounds up in base units. An unset limit falls back
 * to the node's allocatable, as kubelet's MergeContainerResourceLimits does.
 */
export function resourceFieldValue(container: { name: string; resources?: any }, sel: ResourceFieldSelector, node: NodeInfo): string {
  const m = /^(limits|requests)\.(cpu|memory|ephemeral-storage|hugepages-.+)$/.exec(sel.resource);
  if (!m) throw new ApiError('Invalid', `unsupported resourceFieldRef resource "${sel.resource}"`);
  const [, section, name] = m as unknown as [string, 'limits' | 'requests', string];
  let raw: unknown = container.resources?.[section]?.[name];
  if (raw === undefined && section === 'limits') raw = node.allocatable?.[name];
  const divisor = sel.divisor === undefined || sel.divisor === '' ? 1 : parseQuantity(sel.divisor);
  if (!(divisor > 0)) throw new ApiError('Invalid', `invalid resourceFieldRef divisor "${sel.divisor}"`);
  if (raw === undefined) {
    if (section === 'limits') throw new ApiError('Invalid', `no ${name} limit on container "${container.name}" and the node allocatable is unknown`);
    return '0';
  }
  const value = parseQuantity(raw);
  if (Number.isNaN(value)) throw new ApiError('Invalid', `invalid ${sel.resource} quantity "${String(raw)}" on container "${container.name}"`);
  if (name === 'cpu') return String(Math.ceil(Math.round(value * 1000) / Math.round(divisor * 1000)));
  return String(Math.ceil(value / divisor));
}
