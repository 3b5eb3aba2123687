import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, R, newMessage, type KubeObject } from '@kedge/api';
import { createHarness, waitFor } from '@kedge/core/testing/index.js';
import { FakeHub, edgeNode } from '../edgecontroller/test-helpers.js';
import { createDeviceController } from './index.js';
import { device, model } from './test-helpers.js';

const COALESCE_MS = 200;

async function setup() {
  const h = createHarness();
  const hub = new FakeHub();
  h.client.seed(R.nodes, edgeNode('e1'), edgeNode('e2'));
  h.client.seed(R.devicemodels, model('m'));
  h.client.seed(R.devices, device('d1', 'e1'), device('d2', 'e2'));
  const dc = createDeviceController({ client: h.client, informers: h.informers, hub, log: h.log, statusCoalesceMs: COALESCE_MS });
  const stop = await h.run(dc);
  await waitFor(() => hub.resources().length >= 6, 'initial downstream');
  return { h, hub, dc, stop };
}

const twinMsg = (name: string, twin: Record<string, unknown>, ns = 'default') =>
  newMessage({ source: 'twin', group: 'twin', operation: 'update', resource: `device/${ns}/${name}/twin/edge_updated`, content: { event_id: 'e', timestamp: 1717000000000, twin } });
const actual = (value: string, ts = 1717000000123) => ({ actual: { value, metadata: { timestamp: ts } }, metadata: { type: 'float' } });
const stateMsg = (name: string, content: Record<string, unknown>) =>
  newMessage({ source: 'twin', group: 'twin', operation: 'update', resource: `device/default/${name}/state/update`, content: { event_id: 'e', timestamp: 1717000000000, ...content } });

const twinsOf = (h: ReturnType<typeof createHarness>, name: string) =>
  Object.fromEntries(((h.client.peek(R.devices, 'default', name)!.status?.twins ?? []) as any[]).map((t) => [t.propertyName, t]));
const deviceWrites = (h: ReturnType<typeof createHarness>) => h.client.writes().filter((a) => a.resource === 'devices.devices.kubeedge.io' && a.verb === 'patch').length;

test('twin reports become status.twins (reported, observedDesired with metadata); a burst is one write, last value wins', async () => {
  const { h, hub, dc, stop } = await setup();
  try {
    h.client.reset();
    hub.push('e1', twinMsg('d1', { temp: { ...actual('21.5'), expected: { value: '25', metadata: { timestamp: 1717000000100 } } } }));
    await waitFor(() => twinsOf(h, 'd1').temp?.reported?.value === '21.5', 'first report written');
    assert.deepEqual(twinsOf(h, 'd1').temp, {
      propertyName: 'temp',
      reported: { value: '21.5', metadata: { timestamp: '1717000000123', type: 'float' } },
      observedDesired: { value: '25', metadata: { timestamp: '1717000000100', type: 'float' } },
    });
    assert.equal(deviceWrites(h), 1);

    // 100 reports at once: coalesced into one write carrying the latest of every property.
    for (let i = 0; i <= 99; i++) hub.push('e1', twinMsg('d1', i % 2 ? { temp: actual(String(i)) } : { mode: { actual: { value: `m${i}` } } }));
    await waitFor(() => twinsOf(h, 'd1').temp?.reported?.value === '99' && twinsOf(h, 'd1').mode?.reported?.value === 'm98', 'burst written');
    assert.equal(deviceWrites(h), 2, 'one write for the burst');
    assert.equal(twinsOf(h, 'd1').temp.observedDesired.value, '25', 'earlier observedDesired kept');
    assert.equal(dc.statusWrites(), 2);

    // A steady stream: never more than one write per window (plus the one at either edge).
    const t0 = Date.now();
    for (let i = 0; i < 40; i++) {
      hub.push('e1', twinMsg('d1', { temp: actual(`s${i}`) }));
      await new Promise((r) => setTimeout(r, 10));
    }
    const elapsed = Date.now() - t0;
    await waitFor(() => twinsOf(h, 'd1').temp?.reported?.value === 's39', 'stream written');
    const streamWrites = deviceWrites(h) - 2;
    assert.ok(streamWrites <= Math.floor(elapsed / COALESCE_MS) + 2, `${streamWrites} writes in ${elapsed} ms`);
    assert.ok(streamWrites < 40);
  } finally {
    await stop();
  }
});

test('state updates set state, lastOnlineTime (online/ok only) and the spool extension; unknown states are dropped', async () => {
  const { h, hub, stop } = await setup();
  try {
    hub.push('e1', stateMsg('d1', { state: 'online', lastOnline: '2026-03-01T12:00:00Z', spool: { buffered: 3, bufferedBytes: 120, dropped: 1 } }));
    await waitFor(() => h.client.peek(R.devices, 'default', 'd1')!.status?.state === 'online', 'state written');
    const st = h.client.peek(R.devices, 'default', 'd1')!.status;
    assert.equal(st.lastOnlineTime, '2026-03-01T12:00:00Z');
    assert.deepEqual(st.extensions, { spool: { buffered: 3, bufferedBytes: 120, dropped: 1 } });

    // DMI's `State` key; offline keeps the last online time.
    hub.push('e1', stateMsg('d1', { state: 'bogus' }));
    hub.push('e1', stateMsg('d1', { State: 'Offline' }));
    await waitFor(() => h.client.peek(R.devices, 'default', 'd1')!.status?.state === 'offline', 'offline written');
    assert.equal(h.client.peek(R.devices, 'default', 'd1')!.status.lastOnlineTime, '2026-03-01T12:00:00Z');
  } finally {
    await stop();
  }
});

test('a node may only report its own devices', async () => {
  const { h, hub, stop } = await setup();
  try {
    hub.push('e2', twinMsg('d1', { temp: actual('666') }));
    hub.push('e2', stateMsg('d1', { state: 'unhealthy' }));
    hub.push('e1', twinMsg('nosuch', { temp: actual('1') }));
    hub.push('e1', twinMsg('d1', { mode: { actual: { value: 'auto' } } }));
    await waitFor(() => twinsOf(h, 'd1').mode?.reported?.value === 'auto', 'own report written');
    assert.equal(twinsOf(h, 'd1').temp, undefined, "e2's report for d1 refused");
    assert.equal(h.client.peek(R.devices, 'default', 'd1')!.status.state, undefined);
    assert.equal(h.client.peek(R.devices, 'default', 'nosuch'), undefined);
  } finally {
    await stop();
  }
});

test('status writes retry conflicts and failures without losing the latest value', async () => {
  const { h, hub, stop } = await setup();
  try {
    let failures = 0;
    h.client.prependReactor('patch', 'devices.devices.kubeedge.io', () => {
      failures++;
      if (failures === 1) throw new ApiError('Conflict', 'the object has been modified');
      if (failures === 2) throw new ApiError('InternalError', 'etcd hiccup');
      return undefined;
    });
    hub.push('e1', twinMsg('d1', { temp: actual('1') }));
    await waitFor(() => failures >= 2, 'two failed attempts');
    hub.push('e1', twinMsg('d1', { temp: actual('2') }));
    await waitFor(() => twinsOf(h, 'd1').temp?.reported?.value === '2', 'latest value written after the failures', 10_000);
  } finally {
    await stop();
  }
});

test('membership/detail is answered with the node\'s devices; telemetry uploads are counted in order', async () => {
  const { hub, dc, stop } = await setup();
  try {
    const reply = await hub.request('e1', newMessage({ source: 'twin', group: 'twin', operation: 'get', resource: 'membership/detail' }));
    assert.equal(reply.route.operation, 'response');
    assert.equal(reply.route.resource, 'node/e1/membership/detail');
    assert.deepEqual((reply.content as { devices: Array<{ id: string }> }).devices.map((d) => d.id), ['default/d1']);

    for (let i = 0; i < 3; i++) hub.push('e1', newMessage({ source: 'bus', group: 'user', operation: 'upload', resource: `$hw/events/upload/t${i}`, content: { n: i } }));
    hub.push('e1', newMessage({ source: 'bus', group: 'user', operation: 'upload', resource: 'SYS/dis/upload_records', content: Buffer.from('{"n":3}').toString('base64') }));
    const t = dc.telemetry('e1');
    assert.equal(t.count, 4);
    assert.deepEqual(t.recent.map((r) => [r.topic, r.content]), [['$hw/events/upload/t0', { n: 0 }], ['$hw/events/upload/t1', { n: 1 }], ['$hw/events/upload/t2', { n: 2 }], ['SYS/dis/upload_records', { n: 3 }]]);
    assert.equal(dc.telemetry('e2').count, 0);
  } finally {
    await stop();
  }
});

test('a report for a device deleted from the API writes nothing', async () => {
  const { h, hub, stop } = await setup();
  try {
    await h.client.delete(R.devices, 'default', 'd2');
    await waitFor(() => !h.informers.informer<KubeObject>(R.devices).get('default/d2'), 'cache caught up');
    hub.push('e2', twinMsg('d2', { temp: actual('1') }));
    hub.push('e1', twinMsg('d1', { temp: actual('3') }));
    await waitFor(() => twinsOf(h, 'd1').temp?.reported?.value === '3', 'd1 written');
    assert.equal(h.client.peek(R.devices, 'default', 'd2'), undefined, 'not recreated by a status write');
  } finally {
    await stop();
  }
});
