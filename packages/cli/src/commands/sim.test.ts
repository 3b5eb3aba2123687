import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { R, isNotFound, type KubeObject } from '@kedge/api';
import { silentLogger, type KubeClient } from '@kedge/core';
import { createKubeClient, loadKubeconfig } from '@kedge/core/http-client/index.js';
import { runHollowNodes, type HollowProgress } from '@kedge/edge/sim/index.js';
import { runCli, spawnCli, type Spawned } from '../test-helpers.js';

// Hollow nodes against a real `kedge server` process (API server + CloudCore on ports 0).

let dir: string;
let server: Spawned;
let client: KubeClient;
let cloud: string;
let certServer: string;
let token: string;

async function waitUntil<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const isReady = (n: KubeObject) => (n.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kedge-sim-test-'));
  server = spawnCli(['server', '--storage', 'memory', '--port', '0', '--cloudhub-port', '0', '--certserver-port', '0', '--data-dir', dir, '--log-level', 'warn']);
  const hub = await server.waitFor(/cloudhub listening on wss:\/\/(\S+)/, 30_000);
  const certs = await server.waitFor(/certificate server listening on (https:\/\/\S+)/, 30_000);
  const kc = await server.waitFor(/kubeconfig: (\S+)/, 30_000);
  cloud = hub[1]!;
  certServer = certs[1]!;
  client = createKubeClient(loadKubeconfig(kc[1]!));
  const r = runCli(['gettoken', '--kubeconfig', kc[1]!]);
  assert.equal(r.code, 0, r.stderr);
  token = r.stdout.trim();
});

after(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited(20_000).catch(() => server.child.kill('SIGKILL'));
  rmSync(dir, { recursive: true, force: true });
});

test('three hollow nodes turn Ready and report a pod bound to one of them Running', { timeout: 90_000 }, async () => {
  const ac = new AbortController();
  const progress: HollowProgress[] = [];
  const received: string[] = [];
  const done = runHollowNodes({
    count: 3, cloud, certServer, token, namePrefix: 'hollow-', log: silentLogger(), signal: ac.signal, concurrency: 2,
    onProgress: (p) => progress.push(p),
    onPod: (node, op, pod) => received.push(`${node} ${op} ${pod.metadata.name}`),
  });
  try {
    const names = ['hollow-0', 'hollow-1', 'hollow-2'];
    const nodes = await waitUntil('3 Ready nodes', async () => {
      const list = await client.list(R.nodes);
      const ready = list.items.filter((n) => names.includes(n.metadata.name!) && isReady(n));
      return ready.length === 3 ? ready : undefined;
    }, 40_000);
    for (const n of nodes) {
      assert.equal(n.metadata.labels?.['node-role.kubernetes.io/edge'], '');
      assert.equal(n.metadata.labels?.['kubernetes.io/hostname'], n.metadata.name);
    }
    // Registration carries a Ready status, so the Lease (renewed on its own timer) may land just after it.
    const lease = await waitUntil('hollow-1 lease', async () => {
      try {
        return await client.get(R.leases, 'kube-node-lease', 'hollow-1');
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    }, 20_000);
    assert.equal(lease.spec.holderIdentity, 'hollow-1');

    await client.create(R.pods, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: { nodeName: 'hollow-1', containers: [{ name: 'c', image: 'nginx:1.27' }] },
    });
    const pod = await waitUntil('pod Running', async () => {
      const p = await client.get(R.pods, 'default', 'web');
      return p.status?.phase === 'Running' ? p : undefined;
    }, 30_000);
    assert.ok(received.includes('hollow-1 insert web'), `hollow-1 received the pod: ${received.join(', ')}`);
    assert.ok(!received.some((r) => r.startsWith('hollow-0') || r.startsWith('hollow-2')), 'only the bound node gets the pod');
    assert.match(pod.status.podIP, /^10\.0\.1\.\d+$/);
    const ready = (pod.status.conditions as Array<{ type: string; status: string }>).find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'True');
    assert.equal(pod.status.containerStatuses[0].ready, true);
    assert.ok(pod.status.containerStatuses[0].state.running.startedAt);
    assert.ok(progress.some((p) => p.connected === 3 && p.total === 3), 'progress reported all connected');

    // A graceful delete (default 30 s grace) is finished by the hollow node, as edged would.
    const deleted = await client.delete(R.pods, 'default', 'web');
    assert.ok((deleted as KubeObject).metadata?.deletionTimestamp, 'a bound pod is deleted gracefully');
    await waitUntil('pod gone', async () => {
      try {
        await client.get(R.pods, 'default', 'web');
        return undefined;
      } catch (err) {
        return isNotFound(err) ? true : undefined;
      }
    }, 20_000);
  } finally {
    ac.abort();
    await done;
  }
});

test('kedge sim prints progress and stops cleanly on SIGINT', { timeout: 60_000 }, async () => {
  const sim = spawnCli(['sim', '--nodes', '2', '--cloud', cloud, '--cert-server', certServer, '--token', token, '--name-prefix', 'cli-']);
  try {
    await sim.waitFor(/^2\/2 nodes connected/m, 40_000);
    sim.child.kill('SIGINT');
    assert.equal(await sim.exited(20_000), 0, sim.stderr());
    assert.match(sim.stdout(), /^hollow nodes stopped$/m);
  } finally {
    if (sim.child.exitCode === null) sim.child.kill('SIGKILL');
  }
});

test('kedge sim with a token from another cloud fails with one line', { timeout: 30_000 }, () => {
  const forged = `${'0'.repeat(64)}.${token.split('.').slice(1).join('.')}`;
  const r = runCli(['sim', '--nodes', '1', '--cloud', cloud, '--cert-server', certServer, '--token', forged], 20_000);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^kedge: sim: CA hash mismatch/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});
