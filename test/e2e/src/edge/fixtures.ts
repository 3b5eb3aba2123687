import type { KubeHttp } from '../harness/kube-http.js';
import type { MetaClient } from '../harness/meta-client.js';
import { waitFor } from '../harness/wait.js';

export const EDGE_LABEL = 'node-role.kubernetes.io/edge';

/** A pod bound straight to `node` (no scheduler) that mounts the given ConfigMaps and Secrets. */
export function boundPod(name: string, namespace: string, node: string, refs: { configMaps?: string[]; secrets?: string[] } = {}): object {
  const volumes = [
    ...(refs.configMaps ?? []).map((cm) => ({ name: `cm-${cm}`, configMap: { name: cm } })),
    ...(refs.secrets ?? []).map((s) => ({ name: `s-${s}`, secret: { secretName: s } })),
  ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      nodeName: node,
      containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], volumeMounts: volumes.map((v) => ({ name: v.name, mountPath: `/etc/${v.name}` })) }],
      volumes,
    },
  };
}

export const configMap = (name: string, namespace: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });

/** Throws with the response body unless the status is one of `ok`. */
export async function must(p: Promise<{ status: number; text: string; json: any }>, ok: number[] = [200, 201]): Promise<any> {
  const r = await p;
  if (!ok.includes(r.status)) throw new Error(`HTTP ${r.status}: ${r.text.slice(0, 500)}`);
  return r.json;
}

export async function createNamespace(kube: KubeHttp, name: string): Promise<void> {
  await must(kube.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
}

export function readyCondition(node: any): string | undefined {
  return (node?.status?.conditions as { type: string; status: string }[] | undefined)?.find((c) => c.type === 'Ready')?.status;
}

export async function waitNodeReady(kube: KubeHttp, name: string, timeoutMs = 30_000): Promise<any> {
  return waitFor(async () => {
    const r = await kube.get(`/api/v1/nodes/${name}`);
    return r.status === 200 && readyCondition(r.json) === 'True' ? r.json : undefined;
  }, { timeoutMs, message: `node ${name} Ready` });
}

/** Waits until the edge's MetaServer serves the object and `pred` holds for it. */
export async function waitEdgeObject(meta: MetaClient, path: string, pred: (o: any) => boolean, what: string, timeoutMs = 30_000): Promise<any> {
  return waitFor(async () => {
    const r = await meta.get(path);
    if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text.slice(0, 200)}`);
    return pred(r.json) ? r.json : undefined;
  }, { timeoutMs, message: what });
}

export async function waitEdgeGone(meta: MetaClient, path: string, what: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => (await meta.get(path)).status === 404, { timeoutMs, message: what });
}

/** The ObjectSync the cloud keeps for (node, uid): `<node>.<uid>` in the object's namespace. */
export async function objectSync(kube: KubeHttp, namespace: string, node: string, uid: string): Promise<{ status: number; rv?: string }> {
  const r = await kube.get(`/apis/reliablesyncs.kubeedge.io/v1alpha1/namespaces/${namespace}/objectsyncs/${node}.${uid}`);
  return { status: r.status, rv: r.json?.status?.objectResourceVersion };
}
