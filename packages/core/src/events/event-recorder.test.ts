import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, R, type KubeObject } from '@kedge/api';
import { silentLogger } from '../log/logger.js';
import { createFakeKube } from '../testing/fake-kube.js';
import { createEventRecorder } from './event-recorder.js';

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns', uid: 'u1', resourceVersion: '7' } };

test('creates an Event with the involved object reference and aggregates repeats', async () => {
  const k = createFakeKube();
  let t = Date.parse('2026-01-01T00:00:00Z');
  const rec = createEventRecorder(k, 'scheduler', silentLogger(), { now: () => t });
  rec.event(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available');
  await rec.flush();
  const [ev] = k.all(R.events, 'ns');
  assert.ok(ev);
  assert.match(ev.metadata.name!, /^p1\.[0-9a-f]{16}$/);
  assert.deepEqual(ev.involvedObject, { kind: 'Pod', namespace: 'ns', name: 'p1', uid: 'u1', apiVersion: 'v1', resourceVersion: '7' });
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.reason, 'FailedScheduling');
  assert.deepEqual(ev.source, { component: 'scheduler' });
  assert.equal(ev.reportingComponent, 'scheduler');
  assert.equal(ev.firstTimestamp, '2026-01-01T00:00:00Z');
  assert.equal(ev.count, 1);
  assert.equal(ev.eventTime, undefined);
  t += 60_000;
  rec.event(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available');
  await rec.flush();
  const evs = k.all(R.events, 'ns');
  assert.equal(evs.length, 1);
  assert.equal(evs[0]!.count, 2);
  assert.equal(evs[0]!.lastTimestamp, '2026-01-01T00:01:00Z');
  assert.equal(k.writes().at(-1)!.verb, 'patch');
  rec.event(pod, 'Normal', 'Scheduled', 'other message');
  t += 11 * 60_000;
  rec.event(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available');
  await rec.flush();
  assert.equal(k.all(R.events, 'ns').length, 3, 'new reason and expired window create new events');
});

test('never throws and rate-limits per object', async () => {
  const k = createFakeKube();
  k.prependReactor('create', 'events', () => { throw new ApiError('InternalError', 'down'); });
  const rec = createEventRecorder(k, 'c', silentLogger(), { burst: 3 });
  for (let i = 0; i < 10; i++) rec.event(pod, 'Normal', 'R', `m${i}`);
  await rec.flush();
  assert.equal(k.actions.filter((a) => a.verb === 'create').length, 3);
});
