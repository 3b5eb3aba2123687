import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, defaultConfig, enabledControllers, loadConfig } from './config.js';

const names = ['deployment', 'replicaset', 'nodelifecycle'];

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('defaults fill every field, paths resolve against cwd', () => {
  const cfg = loadConfig({ controllerNames: names, cwd: '/srv/k' });
  assert.equal(cfg.apiserver.bind, '127.0.0.1');
  assert.equal(cfg.apiserver.port, 6443);
  assert.equal(cfg.apiserver.dataDir, '/srv/k/data');
  assert.equal(cfg.apiserver.maxBodyBytes, 3 * 1024 * 1024);
  assert.equal(cfg.storage.type, 'sqlite');
  assert.equal(cfg.storage.path, '/srv/k/data/state.db');
  assert.deepEqual(enabledControllers(cfg), { deployment: true, replicaset: true, nodelifecycle: true });
  assert.deepEqual(cfg.controllers.nodeLifecycle, { gracePeriodSeconds: 50, startupGracePeriodSeconds: 60, evictEdgePods: false, defaultTolerationSeconds: 300 });
  assert.deepEqual(cfg.log, { level: 'info', pretty: false });
  assert.equal(loadConfig({ controllerNames: names, stderrIsTTY: true }).log.pretty, true);
});

test('precedence: defaults < file < flags', (t) => {
  const dir = tmp(t);
  const file = join(dir, 'kedge.yaml');
  writeFileSync(file, 'apiserver:\n  port: 7000\n  bind: 0.0.0.0\ncontrollers:\n  replicaset: false\n  nodeLifecycle:\n    gracePeriodSeconds: 20\nlog:\n  pretty: false\n');
  const fromFile = loadConfig({ file, controllerNames: names, cwd: dir, stderrIsTTY: true });
  assert.equal(fromFile.apiserver.port, 7000);
  assert.equal(fromFile.apiserver.bind, '0.0.0.0');
  assert.equal(fromFile.log.pretty, false, 'file beats the tty default');
  assert.equal(fromFile.controllers.nodeLifecycle.gracePeriodSeconds, 20);
  assert.equal(fromFile.controllers.nodeLifecycle.startupGracePeriodSeconds, 60, 'nested defaults survive a partial section');
  assert.equal(enabledControllers(fromFile).replicaset, false);
  const withFlags = loadConfig({ file, controllerNames: names, cwd: dir, flags: { apiserver: { port: 0, dataDir: 'd2', bind: undefined }, storage: { type: 'memory' } } });
  assert.equal(withFlags.apiserver.port, 0);
  assert.equal(withFlags.apiserver.bind, '0.0.0.0', 'undefined flags do not erase file values');
  assert.equal(withFlags.apiserver.dataDir, join(dir, 'd2'));
  assert.equal(withFlags.storage.type, 'memory');
});

test('the result is deep-frozen', () => {
  const cfg = loadConfig({ controllerNames: names });
  assert.ok(Object.isFrozen(cfg));
  assert.ok(Object.isFrozen(cfg.controllers.nodeLifecycle));
  assert.throws(() => { (cfg.apiserver as { port: number }).port = 1; }, TypeError);
});

test('errors name the bad field', (t) => {
  const dir = tmp(t);
  const bad = (yaml: string) => {
    const file = join(dir, `c${Math.random()}.yaml`);
    writeFileSync(file, yaml);
    return () => loadConfig({ file, controllerNames: names });
  };
  assert.throws(bad('apiserver:\n  port: "6443"\n'), { name: 'ConfigError', message: 'config: apiserver.port: expected number, received string' });
  assert.throws(bad('apiserver:\n  prot: 1\n'), { message: 'config: apiserver: unknown field "prot"' });
  assert.throws(bad('controllers:\n  nosuch: true\n'), { message: 'config: controllers: unknown field "nosuch"' });
  assert.throws(bad('storage:\n  type: etcd\n'), /config: storage\.type: /);
  assert.throws(bad('apiserver:\n  port: 70000\n'), /config: apiserver\.port: too big/);
  assert.throws(bad('- a\n- b\n'), /expected a mapping/);
  assert.throws(bad('apiserver: [\n'), ConfigError);
  assert.throws(() => loadConfig({ file: join(dir, 'missing.yaml'), controllerNames: names }), /config: cannot read .*missing\.yaml: ENOENT/);
  assert.throws(() => loadConfig({ controllerNames: names, flags: { controllers: { bogus: false } } }), /unknown field "bogus"/);
});

test('defaultConfig is the schema applied to nothing', () => {
  const d = defaultConfig(names) as { apiserver: { dataDir: string }; controllers: Record<string, unknown> };
  assert.equal(d.apiserver.dataDir, './data');
  assert.equal(d.controllers.deployment, true);
});
