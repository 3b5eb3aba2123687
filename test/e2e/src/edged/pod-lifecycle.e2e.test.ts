import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../harness/wait.js';
import { BUSYBOX, edgedSkipReason, useEdgedCluster } from './runtime.js';

// Issue 4: container lifecycle on the edge as a kubelet does it — CrashLoopBackOff with growing
// restarts, a failing liveness probe restarts the container, readiness drives the Ready condition,
// and a bad image is an ErrImagePull/ImagePullBackOff status rather than a crash. The pods run side
// by side so the file stays within its time budget.

const skip = edgedSkipReason();
if (skip) console.log(`# skipping edged pod lifecycle e2e: ${skip}`);
const NODE = 'edged-lc-1';
const NS = 'default';
const cluster = useEdgedCluster(NODE, skip, () => apply(podsManifest));

async function apply(manifest: string): Promise<void> {
  const r = await cluster.kubectl(['apply', '-f', '-'], { input: manifest });
  if (r.code !== 0) throw new Error(`kubectl apply: ${r.stderr}`);
}

async function getPod(name: string): Promise<any> {
  const r = await cluster.kubectl(['get', 'pod', name, '-n', NS, '-o', 'json']);
  if (r.code !== 0) throw new Error(`kubectl get pod ${name}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const condition = (pod: any, type: string): string | undefined => pod.status?.conditions?.find((c: any) => c.type === type)?.status;

const pod = (name: string, container: string): string => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${NS}}
spec:
  nodeSelector: {kubernetes.io/hostname: ${NODE}}
  hostNetwork: true
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
${container.trim().split('\n').map((l) => `    ${l}`).join('\n')}
`;

const podsManifest = [
  pod('crasher', `
image: ${BUSYBOX}
command: [sh, -c, 'echo crashing; exit 3']`),
  // Healthy for ~3 s, then the liveness file goes and the probe fails.
  pod('unlive', `
image: ${BUSYBOX}
command: [sh, -c, 'touch /tmp/alive; sleep 3; rm /tmp/alive; sleep 3600']
livenessProbe:
  exec: {command: [test, -f, /tmp/alive]}
  periodSeconds: 1
  failureThreshold: 2`),
  // Ready and not ready by turns, 6 s each, for as long as it runs.
  pod('readiness', `
image: ${BUSYBOX}
command: [sh, -c, 'while true; do touch /tmp/ready; sleep 6; rm /tmp/ready; sleep 6; done']
readinessProbe:
  exec: {command: [test, -f, /tmp/ready]}
  periodSeconds: 1`),
  pod('badimage', `
image: kedge.local/does-not-exist:0.0.1`),
].join('---\n');

test('a crashing container reaches CrashLoopBackOff with growing restarts', { skip }, async () => {
  const seen = new Set<string>();
  const counts: number[] = [];
  const p = await waitFor(async () => {
    const cur = await getPod('crasher');
    const s = cur.status?.containerStatuses?.[0];
    if (s?.state?.waiting?.reason) seen.add(s.state.waiting.reason);
    if (s) counts.push(s.restartCount);
    return s && s.restartCount >= 2 ? cur : undefined;
  }, { timeoutMs: 90_000, intervalMs: 500, message: 'crasher restarted twice' });
  const s = p.status.containerStatuses[0];
  assert.ok(seen.has('CrashLoopBackOff'), `waiting reasons seen: ${[...seen].join(', ')}`);
  assert.equal(s.lastState?.terminated?.exitCode, 3);
  assert.ok(counts.every((c, i) => i === 0 || c >= counts[i - 1]!), `restart counts never go down: ${counts.join(',')}`);
});

test('a failing liveness probe restarts the container', { skip }, async () => {
  const p = await waitFor(async () => {
    const cur = await getPod('unlive');
    return (cur.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? cur : undefined;
  }, { timeoutMs: 60_000, intervalMs: 500, message: 'unlive restarted by its liveness probe' });
  assert.ok(p.status.containerStatuses[0].lastState?.terminated, 'the killed container is the last state');
});

test('a readiness probe flips the Ready condition', { skip }, async () => {
  const states: string[] = [];
  const note = (s: string | undefined) => {
    if (s && states.at(-1) !== s) states.push(s);
  };
  await waitFor(async () => {
    note(condition(await getPod('readiness'), 'Ready'));
    return states.at(-1) === 'True';
  }, { timeoutMs: 60_000, intervalMs: 300, message: 'readiness pod Ready' });
  await waitFor(async () => {
    note(condition(await getPod('readiness'), 'Ready'));
    return states.at(-1) === 'False';
  }, { timeoutMs: 60_000, intervalMs: 300, message: 'readiness pod not Ready again once its probe fails' });
  assert.deepEqual(states.slice(-2), ['True', 'False']);
  const p = await getPod('readiness');
  assert.equal(p.status.containerStatuses[0].restartCount, 0, 'readiness never restarts');
  assert.equal(p.status.phase, 'Running');
});

test('a bad image name is ErrImagePull/ImagePullBackOff, not a crash', { skip }, async () => {
  const p = await waitFor(async () => {
    const cur = await getPod('badimage');
    const reason = cur.status?.containerStatuses?.[0]?.state?.waiting?.reason;
    return reason === 'ErrImagePull' || reason === 'ImagePullBackOff' ? cur : undefined;
  }, { timeoutMs: 60_000, intervalMs: 500, message: 'badimage waiting on its image' });
  assert.equal(p.status.phase, 'Pending');
  // The edge is still serving the others.
  assert.equal((await getPod('readiness')).status.phase, 'Running');
});
