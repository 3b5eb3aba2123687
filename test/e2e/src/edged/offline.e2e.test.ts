import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import type { CriClient } from '@kedge/edge/cri/index.js';
import { sleep, waitFor } from '../harness/wait.js';
import { waitNodeReady } from '../edge/fixtures.js';
import { BUSYBOX, edgeCri, edgedSkipReason, podContainers, powerCut, runcRoot, runningContainerIds, useEdgedCluster } from './runtime.js';

// Issue 4, offline autonomy (kubeedge#4441, #4210, #3618): with the cloud stopped the pods keep running,
// a killed container restarts, an EdgeCore restart adopts the running containers, and a reboot (EdgeCore,
// containerd, shims and containers all gone) brings every pod back from the cache. When the cloud
// returns it gets the statuses and keeps the same pods (same UIDs): no eviction, no recreation.

const skip = edgedSkipReason();
if (skip) console.log(`# skipping edged offline e2e: ${skip}`);
const NODE = 'edged-off-1';
const NS = 'default';
const REPLICAS = 3;
const cluster = useEdgedCluster(NODE, skip);

async function pods(): Promise<any[]> {
  const r = await cluster.kubectl(['get', 'pods', '-n', NS, '-l', 'app=autonomous', '-o', 'json']);
  if (r.code !== 0) throw new Error(`kubectl get pods: ${r.stderr}`);
  return JSON.parse(r.stdout).items;
}

/** Per pod UID: its running containers and ready sandboxes in the edge's runtime. */
async function runtimeView(cri: CriClient, uids: string[]): Promise<Map<string, { running: string[]; sandboxes: number }>> {
  const out = new Map<string, { running: string[]; sandboxes: number }>();
  for (const uid of uids) {
    const running = (await podContainers(cri, uid)).filter((c) => c.state === 'CONTAINER_RUNNING').map((c) => c.id);
    const sandboxes = (await cri.listPodSandbox({ filter: { labelSelector: { 'io.kubernetes.pod.uid': uid } } })).items.filter((s) => s.state === 'SANDBOX_READY').length;
    out.set(uid, { running, sandboxes });
  }
  return out;
}

const allRunningOnce = (v: Map<string, { running: string[]; sandboxes: number }>): boolean =>
  [...v.values()].every((p) => p.running.length === 1 && p.sandboxes === 1);

async function withCri<T>(fn: (cri: CriClient) => Promise<T>): Promise<T> {
  const cri = edgeCri(cluster.edge.dataDir);
  try {
    return await fn(cri);
  } finally {
    cri.close();
  }
}

/** Waits for EdgeCore's edged to say it is running pods (the runtime is up and the first sync started). */
async function edgedUp(): Promise<void> {
  await waitFor(() => /edged running pods on/.test(cluster.edge.stdout()), { timeoutMs: 30_000, message: 'edged running pods' });
}

test('pods run on with the cloud gone, across a container kill, an EdgeCore restart and a reboot, and keep their UIDs when it returns', { skip, timeout: 170_000 }, async () => {
  const manifest = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: autonomous, namespace: ${NS}}
spec:
  replicas: ${REPLICAS}
  selector: {matchLabels: {app: autonomous}}
  template:
    metadata: {labels: {app: autonomous}}
    spec:
      nodeSelector: {kubernetes.io/hostname: ${NODE}}
      hostNetwork: true
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: ${BUSYBOX}
        command: [sh, -c, 'trap "exit 0" TERM; while true; do sleep 1; done']
`;
  const r = await cluster.kubectl(['apply', '-f', '-'], { input: manifest });
  assert.equal(r.code, 0, r.stderr);
  const before = await waitFor(async () => {
    const list = await pods();
    return list.length === REPLICAS && list.every((p) => p.status?.phase === 'Running') ? list : undefined;
  }, { timeoutMs: 60_000, intervalMs: 500, message: `${REPLICAS} pods Running` });
  const uids = before.map((p) => p.metadata.uid as string).sort();

  // 1. The cloud goes away; the pods stay.
  await cluster.cloud.kill();
  const v1 = await withCri((cri) => runtimeView(cri, uids));
  assert.ok(allRunningOnce(v1), 'every pod running with the cloud gone');

  // 2. A killed container is restarted by the edge alone.
  const victimUid = uids[0]!;
  const victim = v1.get(victimUid)!.running[0]!;
  execFileSync('runc', ['--root', runcRoot(cluster.edge.dataDir), 'kill', victim, 'KILL']);
  await waitFor(async () => {
    const v = await withCri((cri) => runtimeView(cri, [victimUid]));
    const now = v.get(victimUid)!.running;
    return now.length === 1 && now[0] !== victim;
  }, { timeoutMs: 40_000, intervalMs: 500, message: 'the killed container restarted offline' });
  const v2 = await withCri((cri) => runtimeView(cri, uids));

  // 3. EdgeCore (and its private containerd) restart: the running containers are adopted, not duplicated.
  await cluster.edge.kill();
  await cluster.edge.start();
  await edgedUp();
  // Long enough for the startup sync and one timed sync (syncSeconds 10) to have acted.
  await sleep(12_000);
  const v3 = await withCri((cri) => runtimeView(cri, uids));
  assert.deepEqual(v3, v2, 'same containers after an EdgeCore restart');

  // 4. Reboot: EdgeCore, containerd, the shims and every container die; the cloud is still down.
  await cluster.edge.kill();
  powerCut(cluster.edge.dataDir);
  assert.deepEqual(runningContainerIds(cluster.edge.dataDir), [], 'nothing runs after the power cut');
  await cluster.edge.start();
  await edgedUp();
  const v4 = await waitFor(async () => {
    const v = await withCri((cri) => runtimeView(cri, uids));
    return allRunningOnce(v) ? v : undefined;
  }, { timeoutMs: 45_000, intervalMs: 500, message: 'every pod back from the cache after the reboot' });
  for (const uid of uids) assert.notDeepEqual(v4.get(uid)!.running, v3.get(uid)!.running, `pod ${uid} got new containers`);

  // 5. The cloud returns: same pods, statuses from the edge (the containers started while it was gone).
  await cluster.cloud.start();
  await waitNodeReady(cluster.cloud.kube, NODE, 60_000);
  const after = await waitFor(async () => {
    const list = await pods();
    const current = (p: any) => `containerd://${v4.get(p.metadata.uid)?.running[0]}`;
    return list.length === REPLICAS && list.every((p) => p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.containerID === current(p)) ? list : undefined;
  }, { timeoutMs: 45_000, intervalMs: 500, message: 'the cloud showing the edge\'s current containers' });
  assert.deepEqual(after.map((p) => p.metadata.uid).sort(), uids, 'the same pods: none evicted or recreated');
  const victimPod = after.find((p) => p.metadata.uid === victimUid);
  assert.ok(victimPod.status.containerStatuses[0].restartCount >= 1, 'the offline restart is reported');
  // Still the same pods a little later (no late eviction or recreation on reconnect).
  await sleep(5_000);
  assert.deepEqual((await pods()).map((p) => p.metadata.uid).sort(), uids);
  assert.ok(allRunningOnce(await withCri((cri) => runtimeView(cri, uids))));
});
