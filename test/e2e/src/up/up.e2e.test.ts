import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlFor, kubectlSkipReason, waitFor } from '../harness/index.js';
import { runKedge, spawnKedge, waitForLines, type CliProc } from '../harness/proc.js';

// Issue 6: `kedge up` starts a whole cluster in one command, serves kubectl, the demo twin changes,
// Ctrl-C leaves no process, and a second start resumes the same cluster.

const skip = kubectlSkipReason();
const FREE = ['--port', '0', '--cloudhub-port', '0', '--certserver-port', '0', '--tunnel-port', '0', '--metaserver-port', '0', '--mqtt-port', '0', '--mapper-port', '0', '--edge-metrics-port', '0'];

/** PIDs of processes (other than `except`) whose command line mentions `dir`: containerd, shims, containers. */
function processesUsing(dir: string, except: number[]): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (except.includes(Number(pid))) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) out.push(Number(pid));
    } catch {
      // gone
    }
  }
  return out;
}

async function up(dataDir: string): Promise<{ proc: CliProc; kubeconfig: string; dashboard: string }> {
  const proc = spawnKedge(['up', '--data-dir', dataDir, ...FREE]);
  const [kubeconfig, dashboard] = await waitForLines(proc, [/export KUBECONFIG=(\S+)/, /dashboard: (\S+)/], 180_000, 'kedge up');
  return { proc, kubeconfig: kubeconfig!, dashboard: dashboard! };
}

async function interrupt(p: CliProc): Promise<number | null> {
  p.child.kill('SIGINT');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 60_000);
  try {
    return await p.exit;
  } finally {
    clearTimeout(timer);
  }
}

function getJson(url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject).end();
  });
}

test('kedge up: one command to a working edge cluster, Ctrl-C stops everything, a second run resumes', { skip, timeout: 420_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kedge-up-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await up(dataDir);
  t.after(() => { if (!first.proc.exited()) first.proc.child.kill('SIGKILL'); });
  assert.match(first.proc.out, /✔ control plane and CloudCore/);
  assert.match(first.proc.out, /✔ join edge node edge-1/);
  assert.match(first.proc.out, /✔ demo device and virtual mapper .* — temperature/);
  assert.match(first.proc.out, /kubectl get device demo-thermometer -o yaml/);
  const token = first.dashboard.match(/#token=(\S+)$/)?.[1];
  assert.ok(token, `dashboard URL carries a login token: ${first.dashboard}`);

  const kubectl = kubectlFor(first.kubeconfig, t);
  const nodes = JSON.parse((await kubectl(['get', 'nodes', '-o', 'json'])).stdout) as { items: Array<{ metadata: { name: string; uid: string } }> };
  const node = nodes.items.find((n) => n.metadata.name === 'edge-1');
  assert.ok(node, 'the local edge node is registered');
  const readings = new Set<string>();
  await waitFor(async () => {
    const r = await kubectl(['get', 'device', 'demo-thermometer', '-o', 'json']);
    const d = JSON.parse(r.stdout) as { status?: { twins?: Array<{ propertyName: string; reported?: { value: string } }> } };
    const v = d.status?.twins?.find((x) => x.propertyName === 'temperature')?.reported?.value;
    if (v !== undefined) readings.add(v);
    return readings.size >= 2;
  }, { timeoutMs: 60_000, intervalMs: 1000, message: 'the demo twin changes' });

  // The dashboard page and /metrics answer on the API port with the printed token.
  const base = first.dashboard.replace(/\/dashboard\/.*$/, '');
  assert.equal((await getJson(`${base}/dashboard/`, token)).status, 200);
  const metrics = await getJson(`${base}/metrics`, token);
  assert.equal(metrics.status, 200);
  assert.match(metrics.body, /kedge_cloudhub_connected_nodes 1/);

  // With a container runtime, a pod runs on the edge; Ctrl-C must stop it too, and a resume brings it back.
  const withPods = /edged running pods/.test(first.proc.out);
  type PodStatus = { phase?: string; containerStatuses?: Array<{ containerID?: string; state?: { running?: unknown } }> };
  const podStatus = async (k: typeof kubectl): Promise<PodStatus | undefined> => {
    const r = await k(['get', 'pod', 'hello', '-o', 'json']);
    return r.code === 0 ? (JSON.parse(r.stdout) as { status?: PodStatus }).status : undefined;
  };
  const podPhase = async (k: typeof kubectl) => (await podStatus(k))?.phase;
  let firstContainer: string | undefined;
  if (withPods) {
    // The node reports the runtime Edged uses (kubectl get nodes -o wide: CONTAINER-RUNTIME).
    await waitFor(async () => /^containerd:\/\/\d/.test((await kubectl(['get', 'node', 'edge-1', '-o', 'jsonpath={.status.nodeInfo.containerRuntimeVersion}'])).stdout), { timeoutMs: 30_000, intervalMs: 1000, message: 'containerRuntimeVersion reported' });
    const run = await kubectl(['run', 'hello', '--image=kedge.local/busybox:1.35', '--restart=Always', '--', 'sleep', '3600']);
    assert.equal(run.code, 0, run.stderr);
    await waitFor(async () => (await podPhase(kubectl)) === 'Running', { timeoutMs: 90_000, intervalMs: 1000, message: 'pod hello Running on the edge' });
    firstContainer = (await podStatus(kubectl))?.containerStatuses?.[0]?.containerID;
    assert.ok(firstContainer, 'a container id is reported');
  } else {
    t.diagnostic('no container runtime here: the pod part of this test is skipped');
  }

  assert.equal(await interrupt(first.proc), 0, first.proc.err.slice(-2000));
  assert.match(first.proc.out, /kedge stopped/);
  await waitFor(() => processesUsing(dataDir, [process.pid]).length === 0, { timeoutMs: 15_000, message: `no process left using ${dataDir}: ${processesUsing(dataDir, [process.pid]).join(', ')}` });

  const second = await up(dataDir);
  t.after(() => { if (!second.proc.exited()) second.proc.child.kill('SIGKILL'); });
  assert.match(second.proc.out, /edge node edge-1 \(already joined\)/);
  assert.equal(second.kubeconfig, first.kubeconfig);
  const again = kubectlFor(second.kubeconfig, t);
  const uid = JSON.parse((await again(['get', 'node', 'edge-1', '-o', 'json'])).stdout).metadata.uid;
  assert.equal(uid, node.metadata.uid, 'the same cluster: the Node was not recreated');
  if (withPods) {
    // Ctrl-C removed the container; the resumed edge recreates it from its cache and reports the new one.
    await waitFor(async () => {
      const st = await podStatus(again);
      const c = st?.containerStatuses?.[0];
      return st?.phase === 'Running' && c?.state?.running !== undefined && c.containerID !== undefined && c.containerID !== firstContainer;
    }, { timeoutMs: 90_000, intervalMs: 1000, message: 'pod hello running in a new container after the resume' });
  }
  assert.equal(await interrupt(second.proc), 0);

  const reset = await runKedge(['reset', '--data-dir', dataDir, '--force'], 120_000);
  assert.equal(reset.code, 0, reset.err);
  assert.match(reset.out, /removed /);
});

test('kedge up names a taken port and the flag to change it', { skip, timeout: 60_000 }, async (t) => {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  t.after(() => s.close());
  const port = (s.address() as { port: number }).port;
  const dataDir = mkdtempSync(join(tmpdir(), 'kedge-up-port-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const args = [...FREE];
  args[args.indexOf('--mqtt-port') + 1] = String(port);
  const r = await runKedge(['up', '--data-dir', dataDir, ...args], 30_000);
  assert.equal(r.code, 1);
  assert.match(r.err, new RegExp(`port ${port} \\(MQTT broker\\) is already in use; choose another with --mqtt-port`));
  assert.doesNotMatch(r.err, /^\s+at /m, 'no stack trace');
});
