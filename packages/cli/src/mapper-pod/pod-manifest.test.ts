import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { mainJs, runCli } from '../test-helpers.js';
import { mapperPod, podName, type MapperPodOptions } from './pod-manifest.js';

const base: MapperPodOptions = {
  protocol: 'virtual', name: 'virtual-mapper', node: 'edge-1', namespace: 'devices',
  dmiSocket: '/var/lib/kedge/edge/dmi.sock', socket: '/var/lib/kedge/edge/virtual-mapper.sock', restPort: 7777,
  nodeBinary: '/usr/bin/node', kedgeMain: '/opt/kedge/packages/cli/dist/main.js',
};

test('the pod chroots into the host root and runs kedge mapper there, pinned to the node', () => {
  const pod = mapperPod(base);
  assert.equal(pod.kind, 'Pod');
  assert.deepEqual(pod.metadata, { name: 'virtual-mapper', namespace: 'devices', labels: { 'app.kubernetes.io/name': 'kedge-mapper', 'app.kubernetes.io/instance': 'virtual-mapper', 'mappers.kedge.io/protocol': 'virtual' } });
  assert.deepEqual(pod.spec.nodeSelector, { 'kubernetes.io/hostname': 'edge-1' });
  assert.equal(pod.spec.hostNetwork, true);
  assert.equal(pod.spec.restartPolicy, 'Always');
  const c = pod.spec.containers[0];
  assert.deepEqual(c.command, ['/bin/busybox', 'chroot', '/host']);
  assert.deepEqual(c.args, ['/usr/bin/node', '/opt/kedge/packages/cli/dist/main.js', 'mapper', 'virtual', '--name', 'virtual-mapper',
    '--dmi-socket', '/var/lib/kedge/edge/dmi.sock', '--socket', '/var/lib/kedge/edge/virtual-mapper.sock', '--rest-port', '7777', '--log-level', 'info']);
  assert.deepEqual(pod.spec.volumes, [
    { name: 'host-root', hostPath: { path: '/', type: 'Directory' } },
    { name: 'dmi-0', hostPath: { path: '/var/lib/kedge/edge', type: 'Directory' } },
  ]);
  assert.deepEqual(c.volumeMounts, [{ name: 'host-root', mountPath: '/host', readOnly: true }, { name: 'dmi-0', mountPath: '/host/var/lib/kedge/edge' }]);
  assert.deepEqual(c.livenessProbe.httpGet, { host: '127.0.0.1', port: 7777, path: '/api/v1/ping' });
  assert.deepEqual(c.readinessProbe.httpGet, c.livenessProbe.httpGet);
  assert.notEqual(c.readinessProbe.httpGet, c.livenessProbe.httpGet, 'no shared objects (YAML anchors)');
  assert.ok(c.resources.requests.memory && c.resources.limits.memory);
});

test('sockets in two directories get two read-write mounts; a nested one none of its own', () => {
  const two = mapperPod({ ...base, socket: '/run/mappers/v.sock' });
  assert.deepEqual(two.spec.volumes.slice(1).map((v: any) => v.hostPath.path), ['/run/mappers', '/var/lib/kedge/edge']);
  const nested = mapperPod({ ...base, socket: '/var/lib/kedge/edge/mappers/v.sock' });
  assert.deepEqual(nested.spec.volumes.slice(1).map((v: any) => v.hostPath.path), ['/var/lib/kedge/edge']);
});

test('without a fixed REST port the probes check the socket; --config is passed through', () => {
  for (const restPort of [0, -1]) {
    const c = mapperPod({ ...base, restPort, configFile: '/etc/kedge/virtual.yaml' }).spec.containers[0];
    assert.equal(c.livenessProbe.httpGet, undefined);
    assert.deepEqual(c.livenessProbe.exec.command, ['/bin/busybox', 'test', '-S', '/host/var/lib/kedge/edge/virtual-mapper.sock']);
    assert.deepEqual(c.args.slice(4, 6), ['--config', '/etc/kedge/virtual.yaml']);
    assert.equal(c.args[c.args.indexOf('--rest-port') + 1], String(restPort));
  }
});

test('pod names are DNS-1123 labels; relative paths and unusable names are refused naming the field', () => {
  assert.equal(podName('Modbus_Mapper.v2'), 'modbus-mapper-v2');
  assert.equal(podName(`x${'-'.repeat(70)}y`), 'x');
  assert.throws(() => podName('__'), /name: "__"/);
  assert.throws(() => mapperPod({ ...base, dmiSocket: 'edge-data/dmi.sock' }), /dmiSocket: edge-data\/dmi.sock must be an absolute path/);
  assert.throws(() => mapperPod({ ...base, configFile: 'c.yaml' }), /config: c.yaml must be an absolute path/);
});

test('kedge mapper --print-pod-manifest: the printed args are ones kedge mapper accepts, with the same config', () => {
  const dir = mkdtempSync(join(dirname(mainJs), '.mapper-pod-test-'));
  try {
    const cfg = join(dir, 'modbus.yaml');
    writeFileSync(cfg, 'common:\n  name: line-3-modbus\n  http_port: 7790\n');
    const r = runCli(['mapper', 'modbus', '--print-pod-manifest', '--node', 'edge-7', '--namespace', 'plant', '--config', cfg, '--dmi-socket', join(dir, 'dmi.sock')]);
    assert.equal(r.code, 0, r.stderr);
    const pod = parse(r.stdout);
    assert.equal(pod.metadata.name, 'line-3-modbus');
    assert.equal(pod.metadata.namespace, 'plant');
    assert.equal(pod.spec.nodeSelector['kubernetes.io/hostname'], 'edge-7');
    const args: string[] = pod.spec.containers[0].args;
    assert.deepEqual(args.slice(0, 2), [process.execPath, realpathSync(mainJs)]);
    assert.equal(pod.spec.containers[0].livenessProbe.httpGet.port, 7790);
    // The same arguments, run by kedge itself, resolve to the config the pod was built from.
    const again = runCli([...args.slice(2), '--print-default-config']);
    assert.equal(again.code, 0, again.stderr);
    const resolved = parse(again.stdout);
    assert.equal(resolved.grpc_server.socket_path, join(dir, 'line-3-modbus.sock'));
    assert.deepEqual([resolved.common.name, resolved.common.protocol, resolved.common.edgecore_sock, resolved.common.http_port], ['line-3-modbus', 'modbus', join(dir, 'dmi.sock'), 7790]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
