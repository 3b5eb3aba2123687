import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage, errorTo, newMessage, Op, responseTo } from './message.js';
import { buildCloudResource, parseEdgeResource, prependNode, splitNodeResource, trimNodePrefix } from './resource.js';
import { isApiError } from '../errors.js';

test('a message round-trips with KubeEdge field names and omitempty', () => {
  const m = newMessage({ source: 'edgecontroller', group: 'resource', operation: Op.insert, resource: 'default/pod/nginx', content: { a: 1 }, resourceVersion: '812', now: 1717000000000 });
  const wire = JSON.parse(encodeMessage(m));
  assert.deepEqual(Object.keys(wire.header).sort(), ['msg_id', 'resourceversion', 'timestamp']);
  assert.equal(wire.header.timestamp, 1717000000000);
  assert.deepEqual(wire.route, { source: 'edgecontroller', group: 'resource', operation: 'insert', resource: 'default/pod/nginx' });
  assert.deepEqual(decodeMessage(encodeMessage(m)), m);
});

test('responses carry parent_msg_id and operation response/error', () => {
  const q = newMessage({ source: 'edged', group: 'meta', operation: Op.query, resource: 'default/configmap/cfg' });
  const r = responseTo(q, 'OK', 'edgecontroller');
  assert.equal(r.header.parent_msg_id, q.header.msg_id);
  assert.notEqual(r.header.msg_id, q.header.msg_id);
  assert.equal(r.route.operation, 'response');
  assert.equal(r.route.resource, q.route.resource);
  assert.equal(errorTo(q, 'nope').route.operation, 'error');
});

test('decodeMessage rejects garbage with BadRequest', () => {
  for (const bad of ['', 'not json', '[]', '{}', '{"header":{},"route":{}}', '{"header":{"msg_id":"a","timestamp":"x"},"route":{}}', '{"header":{"msg_id":"a"},"route":{"resource":5}}']) {
    assert.throws(() => decodeMessage(bad), (e: unknown) => isApiError(e) && e.reason === 'BadRequest', bad);
  }
});

test('resource strings: cloud form, trimming and edge parsing', () => {
  const r = buildCloudResource('edge-1', undefined, 'node', 'edge-1');
  assert.equal(r, 'node/edge-1/null/node/edge-1');
  assert.deepEqual(splitNodeResource(r), { node: 'edge-1', rest: 'null/node/edge-1' });
  assert.equal(trimNodePrefix('node/e/default/pod/x'), 'default/pod/x');
  assert.equal(prependNode('e', 'default/podstatus/x'), 'node/e/default/podstatus/x');
  assert.deepEqual(parseEdgeResource('default/pod/nginx'), { namespace: 'default', type: 'pod', name: 'nginx' });
  assert.deepEqual(parseEdgeResource('default/podlist'), { namespace: 'default', type: 'podlist' });
  assert.equal(parseEdgeResource('x'), undefined);
});
