import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { FakeEdgeLink } from '../metamanager/fake-edge-link.js';
import { createStatusReporter } from './status-reporter.js';

const pod = (name: string, uid: string, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns1', uid, ...(annotations ? { annotations } : {}) }, spec: { nodeName: 'n1' },
});

describe('status reporter', () => {
  it('sends podstatus as KubeEdge edged does', () => {
    const link = new FakeEdgeLink();
    const r = createStatusReporter({ link, nodeName: 'n1', log: silentLogger() });
    r.report(pod('a', 'u1'), { phase: 'Running' });
    assert.equal(link.sent.length, 1);
    assert.equal(link.sent[0]!.route.resource, 'ns1/podstatus/a');
    assert.equal(link.sent[0]!.route.operation, 'update');
    assert.deepEqual(link.sent[0]!.content, { UID: 'u1', Name: 'a', Status: { phase: 'Running' } });
  });

  it('keeps the latest status per pod while offline and sends it once on reconnect', () => {
    const link = new FakeEdgeLink();
    const r = createStatusReporter({ link, nodeName: 'n1', log: silentLogger() });
    link.connected = false;
    r.report(pod('a', 'u1'), { phase: 'Pending' });
    r.report(pod('a', 'u1'), { phase: 'Running' });
    r.report(pod('b', 'u2'), { phase: 'Failed' });
    r.report(pod('gone', 'u3'), { phase: 'Running' });
    r.retain(new Set(['u1', 'u2']));
    assert.equal(r.pending(), 2);
    // The reconnect alone sends them.
    link.setConnected(true);
    assert.deepEqual(link.sent.map((m) => [m.route.resource, (m.content as { Status: { phase: string } }).Status.phase]).sort(), [['ns1/podstatus/a', 'Running'], ['ns1/podstatus/b', 'Failed']]);
    assert.equal(r.pending(), 0);
    r.flush();
    assert.equal(link.sent.length, 2);
  });

  it('sends nothing for static pods (they have no API object)', () => {
    const link = new FakeEdgeLink();
    const r = createStatusReporter({ link, nodeName: 'n1', log: silentLogger() });
    const p = pod('s-n1', 'u9', { 'kubernetes.io/config.source': 'file' });
    r.report(p, { phase: 'Running' });
    r.event(p, { type: 'Normal', reason: 'Started', message: 'x' });
    assert.equal(link.sent.length, 0);
  });

  it('finishes deletions with a UID precondition, and events name the pod', () => {
    const link = new FakeEdgeLink();
    const r = createStatusReporter({ link, nodeName: 'n1', log: silentLogger() });
    link.connected = false;
    assert.equal(r.finishDeletion(pod('a', 'u1')), false);
    link.connected = true;
    assert.equal(r.finishDeletion(pod('a', 'u1')), true);
    assert.equal(link.sent[0]!.route.resource, 'ns1/pod/a');
    assert.equal(link.sent[0]!.route.operation, 'delete');
    assert.deepEqual(link.sent[0]!.content, { gracePeriodSeconds: 0, preconditions: { uid: 'u1' } });
    r.event(pod('a', 'u1'), { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container' });
    const ev = link.sent[1]!;
    assert.match(ev.route.resource ?? '', /^ns1\/event\/a\.[0-9a-f]{16}$/);
    assert.equal(ev.route.operation, 'insert');
    const c = ev.content as KubeObject & { involvedObject: Record<string, string>; reason: string; type: string };
    assert.deepEqual(c.involvedObject, { kind: 'Pod', apiVersion: 'v1', namespace: 'ns1', name: 'a', uid: 'u1' });
    assert.equal(c.reason, 'BackOff');
    assert.equal(c.type, 'Warning');
  });
});
