import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { decodeK8sProtobuf } from './decode.js';

// Real kubectl request bodies: a tiny discovery-only server records what `kubectl create <generator>` POSTs.

function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'kubectl');
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch { /* keep looking */ }
  }
  return undefined;
}

const kubectl = findKubectl();
const resource = (name: string, kind: string, namespaced: boolean) =>
  ({ name, singularName: kind.toLowerCase(), namespaced, kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] });

interface Capture { method: string; url: string; contentType: string; body: Buffer }

describe('kubectl protobuf captures', { skip: kubectl ? false : 'kubectl is not on PATH' }, () => {
  const captures: Capture[] = [];
  let server: http.Server;
  let tmp: string;
  let port = 0;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-pb-'));
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const json = (code: number, body: unknown) => {
          res.writeHead(code, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (req.method === 'POST') {
          captures.push({ method: req.method, url: url.pathname, contentType: String(req.headers['content-type'] ?? ''), body: Buffer.concat(chunks) });
          const kind = url.pathname.split('/').pop() ?? '';
          return json(201, { apiVersion: url.pathname.startsWith('/apis/apps') ? 'apps/v1' : 'v1', kind: kind.replace(/s$/, ''), metadata: { name: 'x' } });
        }
        switch (url.pathname) {
          case '/version':
            return json(200, { major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' });
          case '/api':
            return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${port}` }] });
          case '/apis':
            return json(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }] });
          case '/api/v1':
            return json(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: [
              resource('namespaces', 'Namespace', false), resource('configmaps', 'ConfigMap', true), resource('secrets', 'Secret', true), resource('services', 'Service', true)] });
          case '/apis/apps/v1':
            return json(200, { kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [resource('deployments', 'Deployment', true)] });
          default:
            return json(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' });
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function capture(args: string[]): Promise<ReturnType<typeof decodeK8sProtobuf>> {
    const before = captures.length;
    const env = { PATH: process.env.PATH ?? '', HOME: tmp, KUBECONFIG: path.join(tmp, 'none') };
    await new Promise<void>((resolve, reject) => {
      execFile(kubectl!, [...args, '--dry-run=server', '-o', 'json', '--server', `http://127.0.0.1:${port}`, '--insecure-skip-tls-verify', '--cache-dir', path.join(tmp, 'cache')],
        { env, timeout: 60_000 }, (err, _stdout, stderr) => (err && captures.length === before ? reject(new Error(`${err.message}\n${stderr}`)) : resolve()));
    });
    const c = captures[captures.length - 1];
    assert.ok(c && captures.length > before, 'kubectl sent no POST');
    assert.equal(c.contentType, 'application/vnd.kubernetes.protobuf');
    return decodeK8sProtobuf(c.body);
  }

  it('namespace', { timeout: 90_000 }, async () => {
    const d = await capture(['create', 'namespace', 'ns1']);
    assert.equal(d.kind, 'Namespace');
    assert.deepEqual(d.object, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' }, spec: {}, status: {} });
  });

  it('configmap', { timeout: 90_000 }, async () => {
    const d = await capture(['create', 'configmap', 'x', '--from-literal=a=b', '-n', 'team']);
    assert.deepEqual(d.object, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'team' }, data: { a: 'b' } });
  });

  it('secret', { timeout: 90_000 }, async () => {
    const d = await capture(['create', 'secret', 'generic', 's1', '--from-literal=user=admin', '--type=Opaque']);
    assert.equal(d.object.kind, 'Secret');
    assert.deepEqual(d.object.data, { user: Buffer.from('admin').toString('base64') });
    assert.equal(d.object.type, 'Opaque');
  });

  it('deployment', { timeout: 90_000 }, async () => {
    const d = await capture(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=8080']);
    const o = d.object as any;
    assert.equal(d.apiVersion, 'apps/v1');
    assert.equal(o.kind, 'Deployment');
    assert.deepEqual(o.metadata, { name: 'web', labels: { app: 'web' } });
    assert.equal(o.spec.replicas, 2);
    assert.deepEqual(o.spec.selector, { matchLabels: { app: 'web' } });
    assert.deepEqual(o.spec.template.metadata, { labels: { app: 'web' } });
    assert.deepEqual(o.spec.template.spec.containers, [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 8080 }], resources: {} }]);
    assert.deepEqual(o.spec.strategy, {});
  });

  it('service', { timeout: 90_000 }, async () => {
    const d = await capture(['create', 'service', 'nodeport', 'svc1', '--tcp=80:8080', '--node-port=30080']);
    const o = d.object as any;
    assert.equal(o.kind, 'Service');
    assert.equal(o.spec.type, 'NodePort');
    assert.deepEqual(o.spec.selector, { app: 'svc1' });
    assert.deepEqual(o.spec.ports, [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }]);
  });
});
