import { apiVersionOf, KUBE_VERSION, KEDGE_VERSION, R, type ResourceRef } from '@kedge/api';

/** What the MetaServer serves from the edge cache (read-only verbs: writes are refused, see meta-server.ts). */
export const SERVED: readonly ResourceRef[] = [R.pods, R.configmaps, R.secrets, R.services, R.endpoints, R.nodes, R.leases, R.devices, R.devicemodels];

const SHORT_NAMES: Record<string, string[]> = { pods: ['po'], configmaps: ['cm'], services: ['svc'], endpoints: ['ep'], nodes: ['no'] };
const VERBS = ['get', 'list', 'watch'];

export function findServed(group: string, version: string, resource: string): ResourceRef | undefined {
  return SERVED.find((r) => r.group === group && r.version === version && r.resource === resource);
}

export function versionInfo(): Record<string, string> {
  return {
    major: KUBE_VERSION.major,
    minor: KUBE_VERSION.minor,
    gitVersion: `${KUBE_VERSION.gitVersion}-kedge-${KEDGE_VERSION}`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: '',
    compiler: 'kedge',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupVersions(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of SERVED) {
    if (!r.group) continue;
    const vs = m.get(r.group) ?? [];
    if (!vs.includes(r.version)) vs.push(r.version);
    m.set(r.group, vs);
  }
  return m;
}

export function apiGroupList(): object {
  const groups = [...groupVersions()].map(([name, versions]) => {
    const vs = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
    return { name, versions: vs, preferredVersion: vs[0] };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** Legacy discovery document for one group version; undefined when nothing is served there. */
export function apiResourceList(group: string, version: string): object | undefined {
  const refs = SERVED.filter((r) => r.group === group && r.version === version);
  if (refs.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(refs[0]!),
    resources: refs.map((r) => ({
      name: r.resource,
      singularName: r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
      ...(SHORT_NAMES[r.resource] ? { shortNames: SHORT_NAMES[r.resource] } : {}),
    })),
  };
}
