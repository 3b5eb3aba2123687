import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R, type KubeObject } from '@kedge/api';
import { resourceKey } from '@kedge/core';
import { cloudCoreCacheTransforms } from './cache-transforms.js';

test('node cache drops images, managedFields and last-applied; keeps what CloudCore reads', () => {
  const t = cloudCoreCacheTransforms();
  const node: KubeObject = Object.freeze({
    metadata: { name: 'n', uid: 'u', labels: { a: 'b' }, managedFields: [{}], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' } },
    status: { images: [{ names: ['x'] }], daemonEndpoints: { kubeletEndpoint: { Port: 10350 } }, conditions: [] },
  });
  const out = t[resourceKey(R.nodes)]!(node);
  assert.deepEqual(out, {
    metadata: { name: 'n', uid: 'u', labels: { a: 'b' }, annotations: { keep: 'me' } },
    status: { daemonEndpoints: { kubeletEndpoint: { Port: 10350 } }, conditions: [] },
  });
  assert.ok(node.metadata.managedFields, 'input untouched');
  const pod: KubeObject = { metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n' } };
  assert.equal(t[resourceKey(R.pods)]!(pod), pod, 'nothing to strip: same object');
});
