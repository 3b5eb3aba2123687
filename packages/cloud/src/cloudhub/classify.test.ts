import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newMessage } from '@kedge/api';
import { classify, compareRv } from './classify.js';

const obj = (uid: string, rv = '5') => ({ metadata: { name: 'x', namespace: 'default', uid, resourceVersion: rv } });

test('ack-required: resource-group objects with a UID, and every delete', () => {
  const upd = classify(newMessage({ source: 'edgecontroller', group: 'resource', operation: 'update', resource: 'node/n/default/configmap/x', content: obj('u1'), resourceVersion: '9' }));
  assert.deepEqual(upd, { key: 'u1', uid: 'u1', rv: '9', isDelete: false, isResponse: false });
  const del = classify(newMessage({ group: 'resource', operation: 'delete', resource: 'node/n/default/pod/x', content: obj('u2') }));
  assert.equal(del?.isDelete, true);
  assert.equal(del?.key, 'u2');
  assert.equal(classify(newMessage({ group: 'resource', operation: 'delete', resource: 'node/n/default/pod/y' }))?.key, 'res:node/n/default/pod/y');
  assert.equal(classify(newMessage({ group: 'resource', operation: 'update', resource: 'node/n/null/node/n', content: obj('nu') }))?.key, 'nu');
});

test('no-ack: lists, leases, patches, statuses, node inserts, user group, OK/error responses, no UID', () => {
  const none = [
    { group: 'resource', operation: 'update', resource: 'node/n/default/podlist', content: [] },
    { group: 'resource', operation: 'update', resource: 'node/n/kube-node-lease/lease/n', content: obj('l') },
    { group: 'resource', operation: 'update', resource: 'node/n/default/nodepatch/n', content: obj('p') },
    { group: 'resource', operation: 'update', resource: 'node/n/default/podpatch/x', content: obj('p') },
    { group: 'resource', operation: 'update', resource: 'node/n/default/podstatus/x', content: obj('p') },
    { group: 'resource', operation: 'insert', resource: 'node/n/null/node/n', content: obj('n') },
    { group: 'resource', operation: 'update', resource: 'node/n/default/serviceaccounttoken/t', content: obj('t') },
    { group: 'resource', operation: 'update', resource: 'node/n/membership', content: obj('m') },
    { group: 'user', operation: 'update', resource: 'node/n/default/pod/x', content: obj('x') },
    { group: 'resource', operation: 'response', resource: 'node/n/default/pod/x', content: 'OK' },
    { group: 'resource', operation: 'error', resource: 'node/n/default/pod/x', content: 'boom' },
    { group: 'resource', operation: 'update', resource: 'node/n/default/pod/x', content: { metadata: { name: 'x' } } },
    { group: 'twin', operation: 'update', resource: 'node/n/device/d', content: obj('d') },
  ];
  for (const m of none) assert.equal(classify(newMessage(m)), undefined, JSON.stringify(m));
});

test('object replies to queries are reliable but keyed by message id', () => {
  const m = newMessage({ group: 'resource', operation: 'response', resource: 'node/n/default/configmap/c', content: obj('c1'), parentId: 'q' });
  const info = classify(m);
  assert.equal(info?.isResponse, true);
  assert.equal(info?.key, `msg:${m.header.msg_id}`);
});

test('resourceVersions compare numerically', () => {
  assert.equal(compareRv('9', '10'), -1);
  assert.equal(compareRv('18446744073709551615', '18446744073709551614'), 1);
  assert.equal(compareRv('007', '7'), 0);
});
