import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestInfo } from './request-info.js';

test('verbs and resources as kube-apiserver labels them', () => {
  const cases: Array<[string, string, string, string, string?]> = [
    ['GET', '/api/v1/namespaces/default/pods', 'LIST', 'pods'],
    ['GET', '/api/v1/namespaces/default/pods?watch=true&resourceVersion=5', 'WATCH', 'pods'],
    ['GET', '/api/v1/watch/namespaces/default/pods', 'WATCH', 'pods'],
    ['GET', '/api/v1/nodes/edge-1', 'GET', 'nodes'],
    ['POST', '/apis/apps/v1/namespaces/x/deployments', 'CREATE', 'deployments'],
    ['PUT', '/api/v1/nodes/edge-1/status', 'UPDATE', 'nodes', 'status'],
    ['PATCH', '/apis/devices.kubeedge.io/v1beta1/namespaces/default/devices/d1', 'PATCH', 'devices'],
    ['DELETE', '/api/v1/namespaces/default/pods', 'DELETECOLLECTION', 'pods'],
    ['DELETE', '/api/v1/namespaces/default/pods/p', 'DELETE', 'pods'],
    ['GET', '/api/v1/namespaces/default/pods/p/log?follow=true', 'CONNECT', 'pods', 'log'],
    ['GET', '/healthz', 'GET', ''],
    ['GET', '/apis', 'GET', ''],
  ];
  for (const [method, url, verb, resource, sub = ''] of cases) {
    assert.deepEqual(requestInfo(method, url), { verb, resource, subresource: sub }, `${method} ${url}`);
  }
});
