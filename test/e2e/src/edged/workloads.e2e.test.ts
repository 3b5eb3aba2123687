import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { CriClient } from '@kedge/edge/cri/index.js';
import { freePorts } from '../harness/ports.js';
import { waitFor } from '../harness/wait.js';
import { BUSYBOX, edgeCri, edgedSkipReason, podContainers, useEdgedCluster } from './runtime.js';

// Issue 4: a Deployment placed on an edge node by nodeSelector runs on the edge's containerd with its
// env (configMapKeyRef, fieldRef), volumes (configMap, emptyDir, hostPath) and ports, follows a
// ConfigMap change into the mounted file, and leaves nothing in the runtime once deleted.

const skip = edgedSkipReason();
if (skip) console.log(`# skipping edged workload e2e: ${skip}`);
const NODE = 'edged-wl-1';
const NS = 'default';
let cri: CriClient;
let hostDir: string;
const cluster = useEdgedCluster(NODE, skip, (c) => {
  hostDir = mkdtempSync(join(tmpdir(), 'kedge-edged-host-'));
  cri = edgeCri(c.edge.dataDir);
});

after(() => {
  cri?.close();
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

async function kube(args: string[], input?: string): Promise<string> {
  const r = await cluster.kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function podsOf(app: string): Promise<any[]> {
  return JSON.parse(await kube(['get', 'pods', '-n', NS, '-l', `app=${app}`, '-o', 'json'])).items;
}

const readOr = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

test('a Deployment on the edge runs with env, volumes and ports, sees ConfigMap changes, and is gone from the runtime once deleted', { skip }, async () => {
  const [port] = await freePorts(1);
  const manifest = `
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: ${NS}}
data: {greeting: hello, page: from-configmap}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${NS}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: {kubernetes.io/hostname: ${NODE}}
      hostNetwork: true
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: ${BUSYBOX}
        command: [sh, -c]
        args:
        - |
          echo "$GREETING $MY_NODE $MY_POD" > /host/env
          cp /etc/web/page /data/index.html
          (while true; do cat /etc/web/greeting > /host/greeting; sleep 1; done) &
          exec httpd -f -p ${port} -h /data
        env:
        - name: GREETING
          valueFrom: {configMapKeyRef: {name: web-config, key: greeting}}
        - name: MY_NODE
          valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
        - name: MY_POD
          valueFrom: {fieldRef: {fieldPath: metadata.name}}
        ports: [{containerPort: ${port}}]
        volumeMounts:
        - {name: config, mountPath: /etc/web}
        - {name: data, mountPath: /data}
        - {name: host, mountPath: /host}
      volumes:
      - {name: config, configMap: {name: web-config}}
      - {name: data, emptyDir: {}}
      - {name: host, hostPath: {path: ${hostDir}, type: Directory}}
`;
  await kube(['apply', '-f', '-'], manifest);
  const pod = await waitFor(async () => {
    const p = (await podsOf('web'))[0];
    return p?.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready ? p : undefined;
  }, { timeoutMs: 60_000, intervalMs: 500, message: 'the web pod Running and ready' });
  assert.equal(pod.spec.nodeName, NODE);

  const env = await waitFor(() => readOr(join(hostDir, 'env')), { timeoutMs: 10_000, message: 'the env file' });
  assert.equal(env.trim(), `hello ${NODE} ${pod.metadata.name}`);
  // The port is served by the container (host network) from the emptyDir.
  const body = await waitFor(async () => {
    const r = await fetch(`http://127.0.0.1:${port}/index.html`).catch(() => undefined);
    return r?.ok ? r.text() : undefined;
  }, { timeoutMs: 10_000, message: `the container serving on port ${port}` });
  assert.equal(body.trim(), 'from-configmap');

  await kube(['patch', 'configmap', 'web-config', '-n', NS, '--type', 'merge', '-p', '{"data":{"greeting":"changed"}}']);
  await waitFor(() => readOr(join(hostDir, 'greeting'))?.trim() === 'changed', { timeoutMs: 30_000, intervalMs: 500, message: 'the mounted ConfigMap file to change' });

  const uid = pod.metadata.uid as string;
  assert.ok((await podContainers(cri, uid)).length > 0, 'the pod has containers in the runtime');
  await kube(['delete', 'deployment', 'web', '-n', NS, '--wait=false']);
  await waitFor(async () => (await podsOf('web')).length === 0, { timeoutMs: 45_000, intervalMs: 500, message: 'the pod deleted from the API' });
  await waitFor(async () => (await podContainers(cri, uid)).length === 0, { timeoutMs: 15_000, message: 'the containers removed from the runtime' });
  const sandboxes = (await cri.listPodSandbox({ filter: { labelSelector: { 'io.kubernetes.pod.uid': uid } } })).items;
  assert.equal(sandboxes.length, 0, 'the sandbox removed');
});
