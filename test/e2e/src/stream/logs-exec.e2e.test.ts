import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { runKedge } from '../harness/edge-link.js';
import { waitFor } from '../harness/wait.js';
import { BUSYBOX, edgedSkipReason, useEdgedCluster } from '../edged/runtime.js';

// Issue 4: `kubectl logs` and `kubectl exec` against a pod on an edge node, through the API server →
// CloudCore stream tunnel (a WebSocket the edge dials out) → the edge's containerd. Real `kedge server`,
// real edge process, real kubectl.

const skip = edgedSkipReason();
if (skip) console.log(`# skipping stream e2e: ${skip}`);
const NODE = 'stream-e2e-1';

const pod = (name: string, script: string, extra = ''): string => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default}
spec:
  nodeSelector: {kubernetes.io/hostname: ${NODE}}
  hostNetwork: true
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ${BUSYBOX}
    command: [sh, -c, ${JSON.stringify(script)}]
${extra}`;

// Prints five lines, then (after a pause, so the two pipes' order is fixed) one to stderr, then echoes whatever appears in /tmp/say (for `logs -f`).
const talker = pod('talker', 'for i in 1 2 3 4 5; do echo line $i; done; sleep 0.5; echo oops >&2; while true; do if [ -f /tmp/say ]; then cat /tmp/say; rm /tmp/say; fi; sleep 0.2; done');
// Counts its runs in an emptyDir (kept across container restarts) and exits, so it restarts.
const restarter = pod('restarter', 'n=$(cat /data/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /data/n; echo run $n; sleep 1; exit 1', `    volumeMounts: [{name: data, mountPath: /data}]
  volumes: [{name: data, emptyDir: {}}]`);

// The harness gives the cloud's tunnel a free port and joins the edge with --tunnel-server pointing at it.
const cluster = useEdgedCluster(NODE, skip, async () => {
  const r = await cluster.kubectl(['apply', '-f', '-'], { input: `${talker}\n---\n${restarter}` });
  assert.equal(r.code, 0, r.stderr);
  await waitFor(async () => (await cluster.kubectl(['get', 'pod', 'talker', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', { timeoutMs: 60_000, message: 'talker Running' });
  // Logs are there once the container has written its first lines.
  await waitFor(async () => (await cluster.kubectl(['logs', 'talker'])).stdout.includes('line 5'), { timeoutMs: 30_000, message: 'talker logs through the tunnel' });
});

test('kubectl logs: whole log (stdout and stderr), --tail, --timestamps, --limit-bytes', { skip, timeout: 60_000 }, async () => {
  const all = await cluster.kubectl(['logs', 'talker']);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stdout, 'line 1\nline 2\nline 3\nline 4\nline 5\noops\n');
  const tail = await cluster.kubectl(['logs', 'talker', '--tail', '2']);
  assert.equal(tail.stdout, 'line 5\noops\n');
  const ts = await cluster.kubectl(['logs', 'talker', '--timestamps', '--tail', '1']);
  assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z oops\n$/);
  const limited = await cluster.kubectl(['logs', 'talker', '--limit-bytes', '8']);
  assert.equal(limited.stdout, 'line 1\nl');
});

test('kubectl logs -f sees a line written later', { skip, timeout: 60_000 }, async () => {
  const f = cluster.kubectl.stream(['logs', '-f', 'talker']);
  try {
    await f.waitForOutput(/oops\n/, 20_000);
    const w = await cluster.kubectl(['exec', 'talker', '--', 'sh', '-c', 'echo fresh news > /tmp/say']);
    assert.equal(w.code, 0, w.stderr);
    await f.waitForOutput(/fresh news\n/, 20_000);
  } finally {
    await f.kill();
  }
});

test('kubectl logs --previous: refused before a restart, the last run after one', { skip, timeout: 90_000 }, async () => {
  const none = await cluster.kubectl(['logs', 'talker', '--previous']);
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /previous terminated container "main" in pod "talker" not found/);
  await waitFor(async () => Number((await cluster.kubectl(['get', 'pod', 'restarter', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])).stdout) >= 1, { timeoutMs: 60_000, message: 'restarter restarted' });
  const prev = await cluster.kubectl(['logs', 'restarter', '--previous']);
  assert.equal(prev.code, 0, prev.stderr);
  const cur = await waitFor(async () => {
    const r = await cluster.kubectl(['logs', 'restarter']);
    return /^run \d+\n$/.test(r.stdout) ? r.stdout : undefined;
  }, { timeoutMs: 20_000, message: 'current run logs' });
  const p = Number(/^run (\d+)\n$/.exec(prev.stdout)?.[1]);
  const c = Number(/^run (\d+)\n$/.exec(cur)?.[1]);
  assert.ok(p >= 1 && c > p, `previous ${JSON.stringify(prev.stdout)} current ${JSON.stringify(cur)}`);
});

test('kubectl exec: output, exit code 3 propagated, stdin piped with -i', { skip, timeout: 60_000 }, async () => {
  const ok = await cluster.kubectl(['exec', 'talker', '--', 'sh', '-c', 'echo out; echo err >&2; hostname >/dev/null']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'out\n');
  assert.equal(ok.stderr, 'err\n');
  const three = await cluster.kubectl(['exec', 'talker', '--', 'sh', '-c', 'exit 3']);
  assert.equal(three.code, 3);
  assert.match(three.stderr, /command terminated with exit code 3/);
  const stdin = await cluster.kubectl(['exec', '-i', 'talker', '--', 'sh', '-c', 'read a; read b; echo "got $a and $b"'], { input: 'first\nsecond\n' });
  assert.equal(stdin.code, 0, stdin.stderr);
  assert.equal(stdin.stdout, 'got first and second\n');
  const missing = await cluster.kubectl(['exec', 'talker', '-c', 'nope', '--', 'true']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /container nope is not valid for pod talker/);
});

test('kedge ctl get pods / logs / exec work on the edge with the cloud gone', { skip, timeout: 90_000 }, async () => {
  const config = join(cluster.edge.dataDir, 'edge.yaml');
  await cluster.cloud.kill();
  try {
    const pods = await runKedge(['ctl', 'get', 'pods', '-o', 'wide', '--metaserver', cluster.edge.metaUrl]);
    assert.equal(pods.code, 0, pods.err);
    assert.match(pods.out, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\n/);
    assert.match(pods.out, new RegExp(`\ntalker\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+\\S+\\s+${NODE}\\n`));
    const logs = await runKedge(['ctl', 'logs', 'talker', '--tail', '2', '--config', config]);
    assert.equal(logs.code, 0, logs.err);
    // The -f test above added the last line.
    assert.equal(logs.out, 'oops\nfresh news\n');
    const exec = await runKedge(['ctl', 'exec', 'talker', '--config', config, '--', 'sh', '-c', 'echo inside; exit 4']);
    assert.equal(exec.code, 4, exec.err);
    assert.equal(exec.out, 'inside\n');
    assert.match(exec.err, /command terminated with exit code 4/);
    const bad = await runKedge(['ctl', 'logs', 'nosuchpod', '--config', config]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /pod "nosuchpod" has no containers on this node/);
  } finally {
    await cluster.cloud.start();
  }
});

test('without a tunnel (edge stopped) logs and exec fail with a clear message', { skip, timeout: 60_000 }, async () => {
  await cluster.edge.kill();
  const r = await waitFor(async () => {
    const x = await cluster.kubectl(['logs', 'talker']);
    return x.code !== 0 ? x : undefined;
  }, { timeoutMs: 20_000, message: 'logs to fail once the edge is gone' });
  assert.match(r.stderr, /node "stream-e2e-1" has no stream tunnel connected \(is the edge online\?\)/);
  const e = await cluster.kubectl(['exec', 'talker', '--', 'true']);
  assert.notEqual(e.code, 0);
  assert.match(e.stderr, /has no stream tunnel connected/);
});
