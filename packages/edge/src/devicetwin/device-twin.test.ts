import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Message } from '@kedge/api';
import { deviceObj, modelObj, twinRig } from './test-fixtures.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const rig = (o: Parameters<typeof twinRig>[0] = {}) => {
  const r = twinRig(o);
  dirs.push(r.dir);
  return r;
};
const upstream = (sent: Message[], suffix: string) => sent.filter((m) => m.route.resource?.endsWith(suffix) && m.route.group === 'twin');
const T = '$hw/events/device/default/t1/';

describe('DeviceTwin', () => {
  it('stores devices from the cloud, ACKs them, and fires added/updated/removed', () => {
    const r = rig();
    const changes: string[] = [];
    r.twin.onDeviceChange((c, d, m) => changes.push(`${c} ${d.metadata.name} ${m?.metadata.name ?? '-'}`));
    r.cloud('insert', modelObj());
    r.cloud('insert', deviceObj('t1', [['temperature', undefined], ['setpoint', '20']]));
    assert.ok(r.link.sent.filter((m) => m.route.operation === 'response').length >= 2, 'both ACKed');
    assert.equal(r.twin.getDevice('default', 't1')?.model?.metadata.name, 'thermo');
    assert.equal(r.twin.listDevices('virtual').length, 1);
    assert.equal(r.twin.listDevices('modbus').length, 0);
    const twins = r.twin.twins('default', 't1') as Record<string, { expected?: { value: string }; metadata: { type?: string }; expected_version: unknown }>;
    assert.equal(twins.setpoint?.expected?.value, '20');
    assert.deepEqual(twins.setpoint?.expected_version, { cloud: 1, edge: 0 });
    assert.equal(twins.temperature?.metadata.type, 'FLOAT');
    r.cloud('delete', deviceObj('t1', []));
    assert.equal(r.twin.twins('default', 't1'), undefined);
    assert.deepEqual(changes, ['added t1 thermo', 'removed t1 thermo']);
    r.close();
  });

  it('a changed desired value bumps the cloud version, publishes the delta and fires updated', () => {
    const r = rig();
    const changes: string[] = [];
    r.twin.onDeviceChange((c, d) => changes.push(`${c} ${d.metadata.name}`));
    r.cloud('insert', deviceObj('t1', [['setpoint', '20']]));
    r.twin.handleBusMessage(`${T}twin/update`, JSON.stringify({ event_id: 'e1', timestamp: 1, twin: { setpoint: { actual: { value: '20' } } } }));
    r.published.length = 0;
    r.cloud('update', deviceObj('t1', [['setpoint', '25']]));
    const delta = r.published.find((p) => p.topic === `${T}twin/update/delta`);
    assert.ok(delta, 'delta published');
    assert.deepEqual(delta.payload.delta, { setpoint: '25' });
    const tw = (delta.payload.twin as Record<string, { expected_version: unknown; actual: { value: string } }>).setpoint;
    assert.deepEqual(tw?.expected_version, { cloud: 2, edge: 0 });
    assert.equal(tw?.actual.value, '20');
    assert.deepEqual(changes, ['added t1', 'updated t1']);
    r.close();
  });

  it('cloud_updated follows KubeEdge\'s version rules: lower cloud version or lower edge version is 409', () => {
    const r = rig();
    r.cloud('insert', deviceObj('t1', [['setpoint', '20']])); // expected_version {cloud 1, edge 0}
    r.twin.handleBusMessage(`${T}twin/update`, JSON.stringify({ event_id: 'e', twin: { setpoint: { expected: { value: '21' } } } })); // edge 1
    const send = (ev: string, v: { cloud: number; edge: number }) => {
      r.twin.handleBusMessage(`${T}twin/cloud_updated`, JSON.stringify({ event_id: ev, twin: { setpoint: { expected: { value: '30' }, expected_version: v } } }));
      return r.published.filter((p) => p.topic === `${T}twin/update/result` && p.payload.event_id === ev).at(-1)?.payload;
    };
    assert.equal(send('old-cloud', { cloud: 0, edge: 1 })?.code, 409);
    assert.match(String(send('old-cloud2', { cloud: 0, edge: 1 })?.reason), /version not allowed/);
    assert.match(String(send('old-edge', { cloud: 1, edge: 0 })?.reason), /version conflict/);
    assert.equal(send('no-version', undefined as never)?.code, 400);
    const ok = send('ok', { cloud: 2, edge: 1 });
    assert.equal(ok?.code, undefined);
    assert.equal((r.twin.twins('default', 't1') as Record<string, { expected: { value: string } }>).setpoint?.expected.value, '30');
    // The same rules for the cloud's twin-group message.
    r.link.deliver({ header: { msg_id: 'm1', timestamp: 1 }, route: { source: 'devicecontroller', group: 'twin', operation: 'update', resource: 'device/default/t1/twin/cloud_updated' }, content: { event_id: 'x', twin: { setpoint: { expected: { value: '99' }, expected_version: { cloud: 1, edge: 1 } } } } });
    assert.equal((r.twin.twins('default', 't1') as Record<string, { expected: { value: string } }>).setpoint?.expected.value, '30');
    // Membership messages are accepted and change nothing.
    r.link.deliver({ header: { msg_id: 'm2', timestamp: 1 }, route: { source: 'devicecontroller', group: 'twin', operation: 'update', resource: 'membership' }, content: { event_id: '', timestamp: 1, added_devices: [{ id: 'x' }], removed_devices: [] } });
    assert.ok(r.twin.twins('default', 't1'));
    r.close();
  });

  it('DMI reports: actual stored, observedDesired reported as expected without touching the local expected; state with spool counts', () => {
    const r = rig();
    r.cloud('insert', deviceObj('t1', [['setpoint', '20'], ['temperature', undefined]]));
    assert.deepEqual(r.twin.reportTwins('default', 't1', [{ propertyName: 'temperature', reported: { value: '21.5' } }, { propertyName: 'setpoint', observedDesired: { value: '19' } }]), { code: 200 });
    const rep = upstream(r.link.sent, '/twin/edge_updated').at(-1);
    assert.equal(rep?.route.source, 'twin');
    assert.equal(rep?.route.operation, 'update');
    assert.equal(rep?.route.resource, 'device/default/t1/twin/edge_updated');
    const twin = (rep?.content as { twin: Record<string, { actual?: { value: string; metadata: { timestamp: number } }; expected?: { value: string } }> }).twin;
    assert.equal(twin.temperature?.actual?.value, '21.5');
    assert.equal(typeof twin.temperature?.actual?.metadata.timestamp, 'number');
    assert.equal(twin.setpoint?.expected?.value, '19');
    assert.equal((r.twin.twins('default', 't1') as Record<string, { expected: { value: string } }>).setpoint?.expected.value, '20');
    assert.equal(r.twin.reportTwins('default', 'nope', [{ propertyName: 'temperature', reported: { value: '1' } }]).code, 404);
    assert.equal(r.twin.reportTwins('default', 't1', [{ propertyName: 'bad key!', reported: { value: '1' } }]).code, 400);
    assert.equal(r.twin.reportState('default', 't1', 'sleepy').code, 400);
    assert.deepEqual(r.twin.reportState('default', 't1', 'online'), { code: 200 });
    const st = upstream(r.link.sent, '/state/update').at(-1);
    const c = st?.content as { state: string; lastOnline: string; spool: unknown };
    assert.equal(c.state, 'online');
    assert.match(c.lastOnline, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(c.spool, { buffered: 0, bufferedBytes: 0, dropped: 0 });
    r.close();
  });

  it('offline reports are spooled per device policy, counted in the state message, and survive a restart', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-twin-'));
    const r = rig({ dir, budgetBytes: 4096 });
    r.cloud('insert', deviceObj('t1', [['temperature', undefined]], { 'kedge.io/spool-policy': 'drop-newest' }));
    r.link.setConnected(false);
    for (let i = 0; i < 40; i++) r.twin.reportTwins('default', 't1', [{ propertyName: 'temperature', reported: { value: String(i) } }]);
    const s = r.twin.spoolStats();
    assert.ok(s.bufferedBytes <= 4096);
    assert.equal(s.buffered + s.dropped, 40, 'every report kept or counted, none coalesced silently');
    assert.ok(s.dropped > 0);
    r.close();
    const r2 = twinRig({ dir, budgetBytes: 4096 });
    assert.deepEqual(r2.twin.spoolStats(), s);
    r2.link.setConnected(true);
    const values = upstream(r2.link.sent, '/twin/edge_updated').map((m) => (m.content as { twin: { temperature: { actual: { value: string } } } }).twin.temperature.actual.value);
    // drop-newest (the device's annotation) keeps the first ones, in order.
    assert.deepEqual(values, Array.from({ length: s.buffered }, (_, i) => String(i)));
    r2.twin.reportState('default', 't1', 'ok');
    const st = upstream(r2.link.sent, '/state/update').at(-1)?.content as { spool: { dropped: number } };
    assert.equal(st.spool.dropped, s.dropped);
    r2.close();
  });
});
