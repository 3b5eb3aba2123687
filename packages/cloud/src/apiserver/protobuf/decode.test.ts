import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError } from '@kedge/api';
import { decodeK8sProtobuf, K8S_PROTOBUF_MAGIC, k8sProtoRoot } from './decode.js';

const root = k8sProtoRoot();

function envelope(apiVersion: string, kind: string, message: string, value: object, contentEncoding = ''): Buffer {
  const T = root.lookupType(`k8s.${message}`);
  const err = T.verify(value);
  if (err) throw new Error(err);
  const raw = T.encode(T.fromObject(value)).finish();
  const U = root.lookupType('k8s.Unknown');
  const u = U.encode(U.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding, contentType: '' })).finish();
  return Buffer.concat([K8S_PROTOBUF_MAGIC, u]);
}

const reason = (r: string) => (e: unknown) => isApiError(e) && e.reason === r;

describe('decodeK8sProtobuf round trips', () => {
  it('Deployment with pod template, metadata and typed values', () => {
    const body = envelope('apps/v1', 'Deployment', 'Deployment', {
      metadata: {
        name: 'web', namespace: 'default', uid: 'u-1', resourceVersion: '7', generation: 3,
        creationTimestamp: { seconds: 1767225600 }, labels: { app: 'web' }, annotations: { a: 'b' }, finalizers: ['f'],
        ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u0', controller: false, blockOwnerDeletion: true }],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: { type: 1, strVal: '25%' }, maxSurge: { type: 0, intVal: 1 } } },
        template: {
          metadata: { labels: { app: 'web' }, creationTimestamp: {} },
          spec: {
            // gogo writes non-pointer zero values; they must not leak into JSON.
            hostNetwork: false, restartPolicy: 'Always', terminationGracePeriodSeconds: 0, nodeName: '',
            containers: [{
              name: 'c', image: 'nginx', command: ['sh', '-c'], args: ['echo hi'], terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent', stdin: false, workingDir: '',
              ports: [{ containerPort: 80, protocol: 'TCP', hostPort: 0, name: '' }],
              env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { secretKeyRef: { localObjectReference: { name: 's' }, key: 'k', optional: false } } }],
              resources: { limits: { cpu: { string: '500m' } }, requests: { memory: { string: '64Mi' } } },
              volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true }],
            }],
            volumes: [{ name: 'cfg', volumeSource: { configMap: { localObjectReference: { name: 'cm' }, defaultMode: 420 } } }],
            tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
          },
        },
      },
      status: {},
    });
    const d = decodeK8sProtobuf(body);
    assert.equal(d.apiVersion, 'apps/v1');
    assert.equal(d.kind, 'Deployment');
    assert.deepEqual(d.object, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web', namespace: 'default', uid: 'u-1', resourceVersion: '7', generation: 3, creationTimestamp: '2026-01-01T00:00:00Z',
        labels: { app: 'web' }, annotations: { a: 'b' }, finalizers: ['f'],
        ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u0', controller: false, blockOwnerDeletion: true }],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            restartPolicy: 'Always', terminationGracePeriodSeconds: 0,
            containers: [{
              name: 'c', image: 'nginx', command: ['sh', '-c'], args: ['echo hi'], terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: false } } }],
              resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
              volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true }],
            }],
            volumes: [{ name: 'cfg', configMap: { name: 'cm', defaultMode: 420 } }],
            tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
          },
        },
      },
      status: {},
    });
  });

  it('Secret bytes become base64, binaryData of ConfigMaps too', () => {
    const s = decodeK8sProtobuf(envelope('v1', 'Secret', 'Secret', { metadata: { name: 's' }, data: { k: Buffer.from([0, 1, 255]) }, type: 'Opaque', immutable: false }));
    assert.deepEqual(s.object, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'AAH/' }, type: 'Opaque', immutable: false });
    const c = decodeK8sProtobuf(envelope('v1', 'ConfigMap', 'ConfigMap', { metadata: { name: 'c' }, binaryData: { b: Buffer.from('hi') } }));
    assert.deepEqual(c.object.binaryData, { b: 'aGk=' });
  });

  it('Service ports with named target port', () => {
    const d = decodeK8sProtobuf(envelope('v1', 'Service', 'Service', {
      metadata: { name: 'svc' }, spec: { type: 'ClusterIP', clusterIP: '', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: { type: 1, strVal: 'http' }, nodePort: 0 }] },
    }));
    assert.deepEqual((d.object as any).spec, { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }] });
  });

  it('DeleteOptions keeps gracePeriodSeconds=0 and preconditions', () => {
    for (const apiVersion of ['meta.k8s.io/v1', 'v1']) {
      const d = decodeK8sProtobuf(envelope(apiVersion, 'DeleteOptions', 'DeleteOptions', {
        gracePeriodSeconds: 0, propagationPolicy: 'Background', preconditions: { uid: 'u1', resourceVersion: '5' }, dryRun: ['All'],
      }));
      assert.deepEqual(d.object, { apiVersion, kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: 'u1', resourceVersion: '5' }, propagationPolicy: 'Background', dryRun: ['All'] });
    }
  });
});

describe('decodeK8sProtobuf errors', () => {
  it('unknown kinds and content encodings are UnsupportedMediaType', () => {
    assert.throws(() => decodeK8sProtobuf(envelope('batch/v1', 'Job', 'Namespace', { metadata: { name: 'j' } })), reason('UnsupportedMediaType'));
    assert.throws(() => decodeK8sProtobuf(envelope('v1', 'Namespace', 'Namespace', {}, 'gzip')), reason('UnsupportedMediaType'));
  });

  it('garbage is BadRequest, never a crash', () => {
    assert.throws(() => decodeK8sProtobuf(Buffer.from('{"kind":"Namespace"}')), reason('BadRequest'));
    assert.throws(() => decodeK8sProtobuf(Buffer.from([0x6b, 0x38])), reason('BadRequest'));
    assert.throws(() => decodeK8sProtobuf(Buffer.concat([K8S_PROTOBUF_MAGIC, Buffer.from([0x0a, 0xff, 0xff, 0xff])])), reason('BadRequest'));
    const good = envelope('v1', 'ConfigMap', 'ConfigMap', { metadata: { name: 'c', labels: { a: 'b' } }, data: { x: 'y' } });
    assert.throws(() => decodeK8sProtobuf(good.subarray(0, good.length - 3)), reason('BadRequest'));
    // Deterministic pseudo-random bodies: whatever happens must be an ApiError or a decoded object.
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff);
    for (let n = 0; n < 300; n++) {
      const junk = Buffer.from(Array.from({ length: 1 + (n % 64) }, rnd));
      const body = n % 2 === 0 ? Buffer.concat([K8S_PROTOBUF_MAGIC, junk]) : Buffer.concat([good.subarray(0, 12), junk]);
      try {
        decodeK8sProtobuf(body);
      } catch (e) {
        assert.ok(isApiError(e), `plain error for body ${body.toString('hex')}: ${String(e)}`);
      }
    }
  });
});
