// A real containerd per test file (issue 4): started privately, adopted, found, and stopped by PID.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@kedge/core';
import { createCriClient } from '../cri/index.js';
import { containerdLayout, renderCniConflist, renderContainerdConfig } from './config.js';
import { findContainerd } from './find-containerd.js';
import { findBinary, installHint, startPrivateContainerd, type RunningContainerd } from './private-containerd.js';

const skip = process.getuid?.() !== 0
  ? 'containerd tests need root'
  : !findBinary('containerd') || !findBinary('runc')
    ? `containerd not installed: ${installHint}`
    : undefined;
if (skip) console.log(`# skipping private containerd tests: ${skip}`);

const log = silentLogger();
const tmp: string[] = [];
const started: RunningContainerd[] = [];
const mkdir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kedge-ctd-test-'));
  tmp.push(d);
  return d;
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

after(async () => {
  for (const c of started) await c.stop();
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

test('the config keeps every path under dir, uses cgroupfs and the configured sandbox image', () => {
  const l = containerdLayout('/var/lib/kedge/containerd');
  const toml = renderContainerdConfig(l, { sandboxImage: 'kedge.local/pause:x', snapshotter: 'native' });
  assert.match(toml, /^version = 2$/m);
  assert.match(toml, /^root = "\/var\/lib\/kedge\/containerd\/root"$/m);
  assert.match(toml, /^state = "\/var\/lib\/kedge\/containerd\/state"$/m);
  assert.match(toml, /\[grpc\]\n {2}address = "\/var\/lib\/kedge\/containerd\/containerd.sock"/);
  assert.match(toml, /sandbox_image = "kedge.local\/pause:x"/);
  assert.match(toml, /snapshotter = "native"/);
  assert.match(toml, /SystemdCgroup = false/);
  assert.match(toml, /bin_dir = "\/usr\/lib\/cni"/);
  assert.match(toml, /conf_dir = "\/var\/lib\/kedge\/containerd\/cni\/net.d"/);
  // Nothing may point at the system containerd's directories.
  assert.doesNotMatch(toml, /"\/(run|var\/lib)\/containerd/);
  assert.match(renderContainerdConfig(l), /sandbox_image = "kedge.local\/pause:3.9"/);
});

test('the CNI conflist chains bridge (host-local IPAM) and portmap', () => {
  const conf = JSON.parse(renderCniConflist({ ipamDataDir: '/x/ipam', bridge: 'kt0', subnet: '10.99.0.0/16' }));
  assert.deepEqual(conf.plugins.map((p: { type: string }) => p.type), ['bridge', 'portmap']);
  assert.equal(conf.plugins[0].bridge, 'kt0');
  assert.equal(conf.plugins[0].ipam.type, 'host-local');
  assert.equal(conf.plugins[0].ipam.dataDir, '/x/ipam');
  assert.deepEqual(conf.plugins[0].ipam.ranges, [[{ subnet: '10.99.0.0/16' }]]);
  assert.deepEqual(conf.plugins[1].capabilities, { portMappings: true });
});

test('a missing containerd binary is a one-line error naming the packages to install', async () => {
  const dir = mkdir();
  await assert.rejects(startPrivateContainerd({ dir, log, binary: join(dir, 'no-containerd') }), (e: Error) => {
    assert.equal(e.message, 'containerd is not installed: apt-get install containerd runc containernetworking-plugins');
    return true;
  });
});

test('starts, answers CRI, is adopted by a second start on the same dir, and stops by pid', { skip, timeout: 60_000 }, async () => {
  const dir = mkdir();
  const c = await startPrivateContainerd({ dir, log });
  started.push(c);
  assert.ok(c.pid > 0 && alive(c.pid));
  assert.equal(c.socket, join(dir, 'containerd.sock'));
  assert.ok(c.snapshotter === 'overlayfs' || c.snapshotter === 'native');
  assert.equal(readFileSync(join(dir, 'containerd.pid'), 'utf8').trim(), String(c.pid));

  const cri = createCriClient({ socket: c.socket, timeoutMs: 5000 });
  try {
    const v = await cri.version({});
    assert.equal(v.runtimeName, 'containerd');
    assert.equal(v.runtimeApiVersion, 'v1');
  } finally {
    cri.close();
  }

  // An EdgeCore restart finds its containerd still running: no second daemon on the same root.
  const again = await startPrivateContainerd({ dir, log });
  assert.equal(again.pid, c.pid);

  await c.stop();
  assert.equal(alive(c.pid), false);
  await c.stop(); // idempotent
});

test('aborting the signal stops the containerd', { skip, timeout: 60_000 }, async () => {
  const ac = new AbortController();
  const c = await startPrivateContainerd({ dir: mkdir(), log, signal: ac.signal });
  started.push(c);
  ac.abort();
  const until = Date.now() + 10_000;
  while (alive(c.pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(c.pid), false);
});

test('findContainerd: a dead configured socket fails loudly; no system containerd → a private one', { skip, timeout: 60_000 }, async () => {
  const dir = mkdir();
  await assert.rejects(findContainerd({ dir, log, socket: join(dir, 'missing.sock') }), /no CRI runtime answers on the configured socket/);
  const c = await findContainerd({ dir, log, systemSocket: join(dir, 'no-system.sock') });
  started.push(c);
  assert.equal(c.private, true);
  // The private one is now what a configured socket finds; that handle does not own the daemon.
  const viaSocket = await findContainerd({ dir: mkdir(), log, socket: c.socket });
  assert.equal(viaSocket.private, false);
  assert.equal(viaSocket.pid, 0);
  await viaSocket.stop();
  assert.ok(alive(c.pid));
  await c.stop();
});
