import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError } from '../errors.js';
import { exactFieldValue, fieldSetFor, matchFields, parseFieldSelector, supportedFields, validateFieldSelector } from './field-selector.js';

const badRequest = (e: unknown) => isApiError(e) && e.reason === 'BadRequest' && e.code === 400;

describe('parseFieldSelector', () => {
  it('parses =, ==, != and escapes', () => {
    const sel = parseFieldSelector('spec.nodeName=n1,status.phase!=Succeeded,metadata.name==a\\,b');
    assert.deepEqual(sel.requirements, [
      { field: 'spec.nodeName', operator: '=', value: 'n1' },
      { field: 'status.phase', operator: '!=', value: 'Succeeded' },
      { field: 'metadata.name', operator: '==', value: 'a,b' },
    ]);
    assert.equal(exactFieldValue(sel, 'metadata.name'), 'a,b');
    assert.equal(exactFieldValue(sel, 'status.phase'), undefined);
    assert.deepEqual(parseFieldSelector('').requirements, []);
  });

  it('rejects anything else', () => {
    for (const s of ['spec.nodeName', 'a in (b)', '=x', 'a=b=c']) assert.throws(() => parseFieldSelector(s), badRequest, s);
  });
});

describe('fieldSetFor / matchFields', () => {
  const pod = {
    metadata: { name: 'p', namespace: 'ns' },
    spec: { nodeName: 'edge-1', restartPolicy: 'Always', hostNetwork: true },
    status: { phase: 'Running', podIP: '10.0.0.5' },
  };

  it('selects pods like kubectl describe node does', () => {
    const f = fieldSetFor('pods', pod);
    assert.equal(f['spec.hostNetwork'], 'true');
    assert.equal(f['status.podIP'], '10.0.0.5');
    const sel = parseFieldSelector('spec.nodeName=edge-1,status.phase!=Succeeded,status.phase!=Failed');
    assert.equal(matchFields(sel, f), true);
    assert.equal(matchFields(sel, fieldSetFor('pods', { ...pod, status: { phase: 'Failed' } })), false);
    assert.equal(matchFields(parseFieldSelector('spec.nodeName='), fieldSetFor('pods', { metadata: { name: 'x' }, spec: {} })), true);
    assert.equal(matchFields(parseFieldSelector('metadata.namespace=ns,metadata.name=p'), f), true);
  });

  it('covers events, nodes, namespaces, secrets, replicasets and CR selectable fields', () => {
    const ev = { metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p', uid: 'u1' }, reason: 'Started', type: 'Normal', source: { component: 'kubelet' } };
    const ef = fieldSetFor('events', ev);
    assert.equal(ef['involvedObject.uid'], 'u1');
    assert.equal(ef['source'], 'kubelet');
    assert.equal(ef['involvedObject.namespace'], '');
    assert.equal(fieldSetFor('nodes', { metadata: { name: 'n' }, spec: {} })['spec.unschedulable'], 'false');
    assert.equal(fieldSetFor('namespaces', { metadata: { name: 'n' }, status: { phase: 'Active' } })['status.phase'], 'Active');
    assert.equal(fieldSetFor('secrets', { metadata: { name: 's' }, type: 'Opaque' })['type'], 'Opaque');
    assert.equal(fieldSetFor('apps/replicasets', { metadata: { name: 'r' }, status: { replicas: 3 } })['status.replicas'], '3');
    const cr = fieldSetFor('devices.kubeedge.io/devices', { metadata: { name: 'd' }, spec: { nodeName: 'edge-1' } }, ['.spec.nodeName']);
    assert.equal(cr['spec.nodeName'], 'edge-1');
  });

  it('validates supported fields', () => {
    validateFieldSelector('pods', parseFieldSelector('spec.nodeName=a,metadata.name=b'));
    assert.throws(() => validateFieldSelector('configmaps', parseFieldSelector('spec.nodeName=a')),
      (e: unknown) => badRequest(e) && (e as Error).message === 'field label not supported: spec.nodeName');
    validateFieldSelector('devices.kubeedge.io/devices', parseFieldSelector('spec.nodeName=a'), ['.spec.nodeName']);
    assert.ok(supportedFields('events').includes('involvedObject.fieldPath'));
  });
});
