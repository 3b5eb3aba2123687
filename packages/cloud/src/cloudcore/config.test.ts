import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../server/config.js';
import { advertiseAddresses } from './addresses.js';
import { loadCloudConfig } from './cloud-config.js';
import { defaultCloudCoreConfig } from './config.js';

test('cloudcore defaults are KubeEdge\'s ports and intervals', () => {
  const d = defaultCloudCoreConfig();
  assert.equal(d.enable, true);
  assert.deepEqual(d.cloudHub, { bind: '0.0.0.0', port: 10000, nodeLimit: 1000, keepaliveTimeoutSeconds: 30, maxFrameBytes: 8 * 1024 * 1024, perNodeQps: 50, perNodeBurst: 100 });
  assert.deepEqual(d.certServer, { bind: '0.0.0.0', port: 10002, certDays: 365 });
  assert.deepEqual(d.token, { ttlHours: 24, refreshHours: 12 });
  assert.deepEqual(d.edgeController, { nodeStatusRefreshSeconds: 10 });
  assert.deepEqual(d.advertiseAddresses, []);
  assert.deepEqual(loadConfig({ controllerNames: [] }).cloudcore, d, 'kedge server carries the same section');
});

test('kedge cloud config: file < flags, same errors as kedge server', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-cc-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'cloud.yaml');
  writeFileSync(file, 'cloudcore:\n  cloudHub:\n    port: 11000\n    nodeLimit: 5\n  token:\n    ttlHours: 2\nlog:\n  level: debug\n');
  const cfg = loadCloudConfig({ file, flags: { cloudcore: { cloudHub: { port: 0 }, advertiseAddresses: ['cloud.example.com'] } } });
  assert.equal(cfg.cloudcore.cloudHub.port, 0);
  assert.equal(cfg.cloudcore.cloudHub.nodeLimit, 5);
  assert.equal(cfg.cloudcore.token.ttlHours, 2);
  assert.equal(cfg.cloudcore.token.refreshHours, 12);
  assert.deepEqual(cfg.cloudcore.advertiseAddresses, ['cloud.example.com']);
  assert.equal(cfg.log.level, 'debug');
  assert.ok(Object.isFrozen(cfg.cloudcore.cloudHub));
  writeFileSync(file, 'cloudcore:\n  cloudHub:\n    prot: 1\n');
  assert.throws(() => loadCloudConfig({ file }), { name: 'ConfigError', message: 'config: cloudcore.cloudHub: unknown field "prot"' });
  assert.throws(() => loadConfig({ controllerNames: [], flags: { cloudcore: { certServer: { port: 70000 } } } }), /config: cloudcore\.certServer\.port: too big/);
  assert.throws(() => loadCloudConfig({ flags: { cloudcore: { enable: 'yes' } } }), /config: cloudcore\.enable: expected boolean/);
});

test('advertise addresses: configured ones win; else binds, loopback and external IPv4s', () => {
  const ifaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    eth0: [{ address: '10.1.2.3', family: 'IPv4', internal: false }, { address: 'fe80::1', family: 'IPv6', internal: false }],
    eth1: [{ address: '192.168.7.9', family: 'IPv4', internal: false }],
  } as unknown as Parameters<typeof advertiseAddresses>[2];
  assert.deepEqual(advertiseAddresses([], ['0.0.0.0', '0.0.0.0'], ifaces), ['127.0.0.1', '10.1.2.3', '192.168.7.9']);
  assert.deepEqual(advertiseAddresses([], ['10.9.9.9', '0.0.0.0'], ifaces), ['10.9.9.9', '127.0.0.1', '10.1.2.3', '192.168.7.9']);
  assert.deepEqual(advertiseAddresses(['cloud.example.com', 'cloud.example.com'], ['0.0.0.0'], ifaces), ['cloud.example.com']);
});
