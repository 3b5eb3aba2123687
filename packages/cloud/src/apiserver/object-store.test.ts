import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKv, encodeObject, jsonOf } from './object-store.js';

describe('object encoding', () => {
  it('stores without resourceVersion and splices the modRevision back in', () => {
    const obj = {
      spec: { template: { metadata: { labels: { a: 'b' } } } },
      kind: 'Deployment', apiVersion: 'apps/v1',
      metadata: { name: 'x', resourceVersion: '99', uid: 'u' },
    };
    const text = encodeObject(obj);
    assert.ok(!text.includes('"99"'));
    assert.ok(text.startsWith('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{'));
    const kv = { key: '/k', value: text, createRevision: 5, modRevision: 7 };
    const fast = JSON.parse(jsonOf(kv));
    assert.equal(fast.metadata.resourceVersion, '7');
    assert.equal(fast.spec.template.metadata.resourceVersion, undefined);
    assert.deepEqual(fast, decodeKv({ ...kv }));
  });

  it('falls back to parsing for values in another key order', () => {
    const kv = { key: '/k', value: '{"data":{"metadata":{}},"metadata":{"name":"y"}}', createRevision: 1, modRevision: 3 };
    const o = JSON.parse(jsonOf(kv));
    assert.equal(o.metadata.resourceVersion, '3');
    assert.deepEqual(o.data, { metadata: {} });
  });
});
