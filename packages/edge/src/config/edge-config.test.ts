import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEdgeConfig, writeEdgeConfig } from './edge-config.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'kedge-edgecfg-'));

test('defaults: every section filled, paths derived from dataDir', () => {
  const cfg = loadEdgeConfig(undefined, { dataDir: 'state' }, '/srv');
  assert.equal(cfg.dataDir, '/srv/state');
  assert.equal(cfg.node.registerNamespace, 'default');
  assert.deepEqual(cfg.node.labels, {});
  assert.equal(cfg.edgeHub.server, '127.0.0.1:10000');
  assert.equal(cfg.edgeHub.certServer, 'https://127.0.0.1:10002');
  assert.equal(cfg.edgeHub.heartbeatSeconds, 15);
  assert.equal(cfg.edgeHub.qps, 30);
  assert.equal(cfg.edgeHub.burst, 60);
  assert.equal(cfg.edgeHub.rotateCertificates, true);
  assert.deepEqual(cfg.edgeHub.tls, { caFile: '/srv/state/certs/ca.crt', certFile: '/srv/state/certs/edge.crt', keyFile: '/srv/state/certs/edge.key' });
  assert.equal(cfg.metaManager.db, '/srv/state/edge.db');
  assert.equal(cfg.metaManager.remoteQueryTimeoutSeconds, 60);
  assert.deepEqual(cfg.metaServer, { enable: true, bind: '127.0.0.1', port: 10550 });
  assert.deepEqual(cfg.nodeStatus, { updateSeconds: 10, leaseSeconds: 10, leaseDurationSeconds: 40 });
  assert.deepEqual(cfg.log, { level: 'info', pretty: false });
  assert.match(cfg.node.name, /^[a-z0-9]/);
});

test('default dataDir depends on the user', () => {
  const cfg = loadEdgeConfig(undefined, {}, '/srv');
  assert.equal(cfg.dataDir, process.getuid?.() === 0 ? '/var/lib/kedge/edge' : '/srv/edge-data');
});

test('precedence: defaults < file < flags; file paths resolve against the file', () => {
  const dir = tmp();
  try {
    const file = join(dir, 'edge.yaml');
    writeFileSync(file, [
      'node: {name: edge-a, labels: {zone: a, rack: "1"}}',
      'dataDir: data',
      'edgeHub: {server: "10.0.0.1:10000", heartbeatSeconds: 5}',
      'metaServer: {port: 12000}',
    ].join('\n'));
    const cfg = loadEdgeConfig(file, { node: { name: 'edge-b', labels: { zone: 'b' } }, metaServer: { port: 0 }, log: { level: 'debug' }, edgeHub: { heartbeatSeconds: undefined } }, '/elsewhere');
    assert.equal(cfg.node.name, 'edge-b');
    assert.deepEqual(cfg.node.labels, { zone: 'b' }, 'flag labels replace the file labels');
    assert.equal(cfg.dataDir, join(dir, 'data'));
    assert.equal(cfg.edgeHub.server, '10.0.0.1:10000');
    assert.equal(cfg.edgeHub.certServer, 'https://10.0.0.1:10002');
    assert.equal(cfg.edgeHub.heartbeatSeconds, 5, 'undefined flags do not override');
    assert.equal(cfg.metaServer.port, 0);
    assert.equal(cfg.log.level, 'debug');
    assert.equal(cfg.metaManager.db, join(dir, 'data', 'edge.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad fields are one config line each', () => {
  const dir = tmp();
  try {
    const file = join(dir, 'edge.yaml');
    writeFileSync(file, 'edgeHub: {server: nope, bogus: 1}\nnodeStatus: {updateSeconds: "10"}\n');
    assert.throws(() => loadEdgeConfig(file), (err: Error) => {
      assert.equal(err.name, 'ConfigError');
      assert.match(err.message, /^config: /);
      assert.match(err.message, /edgeHub\.server: want host:port/);
      assert.match(err.message, /edgeHub: unknown field "bogus"/);
      assert.match(err.message, /nodeStatus\.updateSeconds: expected number/);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
    assert.throws(() => loadEdgeConfig(join(dir, 'missing.yaml')), /config: cannot read .*missing\.yaml: ENOENT/);
    assert.throws(() => loadEdgeConfig(undefined, { node: { name: 'Not_Valid' } }), /node\.name: must be a lowercase DNS-1123 subdomain/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeEdgeConfig round-trips with mode 0600', () => {
  const dir = tmp();
  try {
    const cfg = loadEdgeConfig(undefined, { node: { name: 'edge-1', labels: { a: 'b' } }, dataDir: dir, edgeHub: { server: 'cloud.example:10000' } });
    const file = join(dir, 'edge.yaml');
    writeEdgeConfig(file, cfg);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(loadEdgeConfig(file, {}, '/'), cfg);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
