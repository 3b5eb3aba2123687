import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isApiError, type KubeObject } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { createVolumeManager, mountsFor, writeAtomic } from './index.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-volumes-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function memStore() {
  const objs = new Map<string, KubeObject>();
  return {
    put(kind: string, obj: KubeObject) { objs.set(`${kind}/${obj.metadata.namespace}/${obj.metadata.name}`, obj); },
    get: (kind: string, ns: string | undefined, name: string) => objs.get(`${kind}/${ns}/${name}`),
  };
}
const b64 = (s: string) => Buffer.from(s).toString('base64');
let podN = 0;
function podWith(volumes: unknown[]): KubeObject {
  podN++;
  return { metadata: { name: `p${podN}`, namespace: 'ns1', uid: `uid-${podN}`, labels: { app: 'web', tier: 'fe' } }, spec: { nodeName: 'edge-1', volumes, containers: [{ name: 'c', resources: { limits: { memory: '32Mi' } } }] } };
}
const read = (p: string) => fs.readFileSync(p, 'utf8');
const mode = (p: string) => fs.statSync(p).mode & 0o7777;
const failsWith = (re: RegExp) => (e: unknown) => isApiError(e) && re.test(e.message);

function setup() {
  const store = memStore();
  const vm = createVolumeManager({ rootDir: path.join(root, `r${podN}`), log: silentLogger(), store, node: { name: 'edge-1', hostIP: '10.0.0.5' } });
  return { store, vm };
}

test('emptyDir lives under the pod dir, survives a repeat setUp and tearDown removes it', async () => {
  const { vm } = setup();
  const host = path.join(root, 'host-keep');
  fs.mkdirSync(host);
  const pod = podWith([{ name: 'scratch', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory' } }, { name: 'h', hostPath: { path: host } }]);
  const vols = await vm.setUp(pod);
  const dir = vols.get('scratch')!;
  assert.equal(dir, path.join(vm.podDir('uid-' + podN), 'volumes', 'kubernetes.io~empty-dir', 'scratch'));
  assert.equal(mode(dir), 0o777);
  assert.ok(fs.statSync(vols.get('mem')!).isDirectory());
  fs.writeFileSync(path.join(dir, 'state'), 'kept');
  fs.writeFileSync(path.join(host, 'mine'), 'host');
  const again = await vm.setUp(pod);
  assert.equal(read(path.join(again.get('scratch')!, 'state')), 'kept');
  await vm.tearDown(pod.metadata.uid!);
  assert.equal(fs.existsSync(vm.podDir(pod.metadata.uid!)), false);
  assert.equal(read(path.join(host, 'mine')), 'host');
  await assert.rejects(vm.tearDown('../x'), failsWith(/invalid pod uid/));
});

test('hostPath type checks', async () => {
  const { vm } = setup();
  const base = fs.mkdtempSync(path.join(root, 'hp-'));
  const file = path.join(base, 'f');
  fs.writeFileSync(file, 'x');
  const sock = path.join(base, 's.sock');
  const srv = net.createServer();
  await new Promise<void>((res) => srv.listen(sock, res));
  try {
    const ok = podWith([
      { name: 'd', hostPath: { path: base, type: 'Directory' } },
      { name: 'dc', hostPath: { path: path.join(base, 'new/deep'), type: 'DirectoryOrCreate' } },
      { name: 'f', hostPath: { path: file, type: 'File' } },
      { name: 'fc', hostPath: { path: path.join(base, 'newfile'), type: 'FileOrCreate' } },
      { name: 's', hostPath: { path: sock, type: 'Socket' } },
      { name: 'any', hostPath: { path: path.join(base, 'missing'), type: '' } },
    ]);
    const vols = await vm.setUp(ok);
    assert.equal(vols.get('fc'), path.join(base, 'newfile'));
    assert.ok(fs.statSync(path.join(base, 'new/deep')).isDirectory());
    assert.ok(fs.statSync(path.join(base, 'newfile')).isFile());
    assert.equal(fs.existsSync(path.join(base, 'missing')), false);
    const bad: [unknown, RegExp][] = [
      [{ path: path.join(base, 'nope'), type: 'Directory' }, /is not a directory/],
      [{ path: file, type: 'Directory' }, /is not a directory/],
      [{ path: base, type: 'File' }, /is not a file/],
      [{ path: file, type: 'DirectoryOrCreate' }, /is not a directory/],
      [{ path: base, type: 'FileOrCreate' }, /is not a file/],
      [{ path: file, type: 'Socket' }, /is not a socket/],
      [{ path: path.join(base, 'nodir/f'), type: 'FileOrCreate' }, /cannot create file/],
      [{ path: base, type: 'Weird' }, /invalid hostPath type/],
    ];
    for (const [hp, re] of bad) await assert.rejects(vm.setUp(podWith([{ name: 'x', hostPath: hp }])), failsWith(re));
  } finally {
    srv.close();
  }
});

test('configMap volume: every key, binaryData, defaultMode, symlinks through ..data', async () => {
  const { store, vm } = setup();
  store.put('configmap', { metadata: { name: 'cfg', namespace: 'ns1' }, data: { 'app.conf': 'a=1\n', other: 'o' }, binaryData: { 'blob.bin': Buffer.from([0, 255, 1]).toString('base64') } });
  const vols = await vm.setUp(podWith([{ name: 'conf', configMap: { name: 'cfg', defaultMode: 0o600 } }]));
  const dir = vols.get('conf')!;
  assert.match(dir, /kubernetes\.io~configmap\/conf$/);
  assert.equal(read(path.join(dir, 'app.conf')), 'a=1\n');
  assert.deepEqual([...fs.readFileSync(path.join(dir, 'blob.bin'))], [0, 255, 1]);
  assert.equal(fs.readlinkSync(path.join(dir, 'app.conf')), '..data/app.conf');
  assert.match(fs.readlinkSync(path.join(dir, '..data')), /^\.\.\d{4}_/);
  assert.equal(mode(path.join(dir, 'other')), 0o600);
  assert.deepEqual(fs.readdirSync(dir).filter((n) => !n.startsWith('..')).sort(), ['app.conf', 'blob.bin', 'other']);
});

test('secret volume: items map keys to nested paths with modes, values base64-decoded', async () => {
  const { store, vm } = setup();
  store.put('secret', { metadata: { name: 'sec', namespace: 'ns1' }, data: { user: b64('admin'), pass: b64('pw'), unused: b64('z') } });
  const vols = await vm.setUp(podWith([{ name: 's', secret: { secretName: 'sec', items: [{ key: 'user', path: 'creds/user' }, { key: 'pass', path: 'creds/pass', mode: 0o400 }, { key: 'user', path: 'u' }] } }]));
  const dir = vols.get('s')!;
  assert.equal(read(path.join(dir, 'creds/user')), 'admin');
  assert.equal(read(path.join(dir, 'creds/pass')), 'pw');
  assert.equal(read(path.join(dir, 'u')), 'admin');
  assert.equal(mode(path.join(dir, 'creds/pass')), 0o400);
  assert.equal(mode(path.join(dir, 'creds/user')), 0o644);
  assert.equal(fs.readlinkSync(path.join(dir, 'creds')), '..data/creds');
  assert.equal(fs.existsSync(path.join(dir, 'unused')), false);
});

test('optional and missing ConfigMaps, Secrets and keys', async () => {
  const { store, vm } = setup();
  store.put('configmap', { metadata: { name: 'cfg', namespace: 'ns1' }, data: { a: '1' } });
  const vols = await vm.setUp(podWith([
    { name: 'o1', configMap: { name: 'absent', optional: true } },
    { name: 'o2', secret: { secretName: 'absent', optional: true } },
    { name: 'o3', configMap: { name: 'cfg', optional: true, items: [{ key: 'a', path: 'a' }, { key: 'zz', path: 'zz' }] } },
  ]));
  assert.deepEqual(fs.readdirSync(vols.get('o1')!).filter((n) => !n.startsWith('..')), []);
  assert.deepEqual(fs.readdirSync(vols.get('o3')!).filter((n) => !n.startsWith('..')), ['a']);
  await assert.rejects(vm.setUp(podWith([{ name: 'm', configMap: { name: 'absent' } }])), failsWith(/configmap "absent" not found in namespace "ns1"/));
  await assert.rejects(vm.setUp(podWith([{ name: 'm', secret: { secretName: 'gone' } }])), failsWith(/secret "gone" not found/));
  await assert.rejects(vm.setUp(podWith([{ name: 'm', configMap: { name: 'cfg', items: [{ key: 'zz', path: 'zz' }] } }])), failsWith(/configmap ns1\/cfg references non-existent key zz/));
  await assert.rejects(vm.setUp(podWith([{ name: 'm', configMap: { name: 'cfg', items: [{ key: 'a', path: '../escape' }] } }])), /invalid volume file path/);
});

test('refresh swaps the files atomically when the ConfigMap changes', async () => {
  const { store, vm } = setup();
  store.put('configmap', { metadata: { name: 'cfg', namespace: 'ns1' }, data: { a: 'v1', gone: 'x' } });
  const pod = podWith([{ name: 'conf', configMap: { name: 'cfg' } }, { name: 'e', emptyDir: {} }]);
  const dir = (await vm.setUp(pod)).get('conf')!;
  const oldTarget = fs.readlinkSync(path.join(dir, '..data'));
  assert.deepEqual(await vm.refresh(pod), []);
  assert.equal(fs.readlinkSync(path.join(dir, '..data')), oldTarget);

  store.put('configmap', { metadata: { name: 'cfg', namespace: 'ns1' }, data: { a: 'v2', added: 'new' } });
  assert.deepEqual(await vm.refresh(pod), ['conf']);
  assert.equal(read(path.join(dir, 'a')), 'v2');
  assert.equal(read(path.join(dir, 'added')), 'new');
  assert.equal(fs.existsSync(path.join(dir, 'gone')), false);
  assert.notEqual(fs.readlinkSync(path.join(dir, '..data')), oldTarget);
  assert.equal(fs.existsSync(path.join(dir, oldTarget)), false);
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('..')).length, 2);

  store.put('configmap', { metadata: { name: 'cfg', namespace: 'ns1' }, data: { a: 'v3' } });
  const both = await Promise.all([vm.refresh(pod), vm.refresh(pod), vm.setUp(pod)]);
  assert.deepEqual(both.slice(0, 2), [['conf'], []]);
  assert.equal(read(path.join(dir, 'a')), 'v3');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['..data', fs.readlinkSync(path.join(dir, '..data')), 'a'].sort());
});

test('projected volume: configMap, secret and downwardAPI sources; serviceAccountToken skipped', async () => {
  const { store, vm } = setup();
  store.put('configmap', { metadata: { name: 'kube-root-ca.crt', namespace: 'ns1' }, data: { 'ca.crt': 'PEM' } });
  store.put('secret', { metadata: { name: 'sec', namespace: 'ns1' }, data: { k: b64('v') } });
  const pod = podWith([{ name: 'api', projected: { defaultMode: 0o440, sources: [
    { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
    { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
    { secret: { name: 'sec', items: [{ key: 'k', path: 'sec/k', mode: 0o400 }] } },
    { secret: { name: 'nope', optional: true } },
    { downwardAPI: { items: [
      { path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } },
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
    ] } },
  ] } }, { name: 'dw', downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } }]);
  const vols = await vm.setUp(pod);
  const dir = vols.get('api')!;
  assert.match(dir, /kubernetes\.io~projected\/api$/);
  assert.equal(read(path.join(dir, 'ca.crt')), 'PEM');
  assert.equal(mode(path.join(dir, 'ca.crt')), 0o440);
  assert.equal(read(path.join(dir, 'sec/k')), 'v');
  assert.equal(mode(path.join(dir, 'sec/k')), 0o400);
  assert.equal(read(path.join(dir, 'namespace')), 'ns1');
  assert.equal(read(path.join(dir, 'labels')), 'app="web"\ntier="fe"');
  assert.equal(read(path.join(dir, 'mem')), '32');
  assert.equal(fs.existsSync(path.join(dir, 'token')), false);
  assert.equal(read(path.join(vols.get('dw')!, 'name')), pod.metadata.name);
});

test('mountsFor: readOnly, API-data volumes read-only, subPath, subPathExpr, propagation, errors', () => {
  const pod = podWith([{ name: 'conf', configMap: { name: 'c' } }, { name: 'data', emptyDir: {} }]);
  const vols = new Map([['conf', '/v/conf'], ['data', '/v/data']]);
  const c = { name: 'app', volumeMounts: [
    { name: 'conf', mountPath: '/etc/app' },
    { name: 'data', mountPath: '/data' },
    { name: 'data', mountPath: '/ro', readOnly: true, mountPropagation: 'HostToContainer' },
    { name: 'data', mountPath: '/sub', subPath: 'a/b' },
    { name: 'data', mountPath: '/logs', subPathExpr: 'logs/$(POD_NAME)' },
  ] };
  assert.deepEqual(mountsFor(c, vols, { pod, env: [{ name: 'POD_NAME', value: 'web-1' }] }), [
    { containerPath: '/etc/app', hostPath: '/v/conf', readonly: true },
    { containerPath: '/data', hostPath: '/v/data', readonly: false },
    { containerPath: '/ro', hostPath: '/v/data', readonly: true, propagation: 'PROPAGATION_HOST_TO_CONTAINER' },
    { containerPath: '/sub', hostPath: '/v/data/a/b', readonly: false },
    { containerPath: '/logs', hostPath: '/v/data/logs/web-1', readonly: false },
  ]);
  assert.throws(() => mountsFor({ name: 'x', volumeMounts: [{ name: 'nope', mountPath: '/n' }] }, vols), failsWith(/unknown volume "nope"/));
  assert.throws(() => mountsFor({ name: 'x', volumeMounts: [{ name: 'data', mountPath: '/n', subPath: '../../etc' }] }, vols), failsWith(/without '\.\.'/));
  assert.throws(() => mountsFor({ name: 'x', volumeMounts: [{ name: 'data', mountPath: '/n', subPath: '/etc' }] }, vols), failsWith(/relative path/));
});

test('writeAtomic rejects unsafe paths and reports no change for an identical payload', async () => {
  const dir = path.join(root, 'aw');
  const p = new Map([['x', { data: Buffer.from('1'), mode: 0o644 }]]);
  assert.equal(await writeAtomic(dir, p), true);
  assert.equal(await writeAtomic(dir, p), false);
  assert.equal(await writeAtomic(dir, new Map([['x', { data: Buffer.from('1'), mode: 0o600 }]])), true);
  assert.equal(mode(path.join(dir, 'x')), 0o600);
  for (const bad of ['/abs', '..x', 'a/../b', '']) await assert.rejects(writeAtomic(dir, new Map([[bad, { data: Buffer.from(''), mode: 0o644 }]])), /invalid volume file path/);
});
