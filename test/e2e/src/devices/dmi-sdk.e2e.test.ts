import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject, Message } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { waitFor } from '@kedge/core/testing/harness.js';
import { twinRig, type TwinRig } from '@kedge/edge/devicetwin/test-fixtures.js';
import { createDmiServer, type DmiServer } from '@kedge/edge/dmi/index.js';
import { runMapper } from '@kedge/mappers/sdk/index.js';
import { virtualFactory } from '@kedge/mappers/virtual/index.js';

/**
 * The device pipeline inside one edge, every piece real: DeviceTwin (SQLite, spool, MetaManager on a fake
 * cloud link) ← DMI server (gRPC on a unix socket) ← mapper SDK with the virtual driver.
 */
let rv = 1000;
const model: KubeObject = {
  apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'DeviceModel',
  metadata: { name: 'thermo', namespace: 'default', uid: 'uid-model', resourceVersion: String(rv++) },
  spec: { protocol: 'virtual', properties: [{ name: 'count', type: 'INT', accessMode: 'ReadOnly' }, { name: 'setpoint', type: 'INT', accessMode: 'ReadWrite' }] },
};
const device = (name: string, setpoint: string): KubeObject => ({
  apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'Device',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: String(rv++) },
  spec: {
    deviceModelRef: { name: 'thermo' },
    nodeName: 'edge1',
    protocol: { protocolName: 'virtual', configData: {} },
    properties: [
      { name: 'count', collectCycle: 50, reportCycle: 100, reportToCloud: true, visitors: { protocolName: 'virtual', configData: { kind: 'counter', min: 0, max: 1_000_000, step: 1 } } },
      { name: 'setpoint', collectCycle: 50, reportCycle: 100, reportToCloud: true, desired: { value: setpoint }, visitors: { protocolName: 'virtual', configData: {} } },
    ],
    stateReport: { reportToCloud: true, reportCycle: 200 },
  },
});

type TwinContent = { twin: Record<string, { actual?: { value: string }; expected?: { value: string } }> };
const edgeUpdated = (sent: Message[], name: string) => sent
  .filter((m) => m.route.resource === `device/default/${name}/twin/edge_updated`)
  .map((m) => (m.content as TwinContent).twin);

describe('DeviceTwin + DMI server + mapper SDK (virtual)', () => {
  let dir: string;
  let rig: TwinRig;
  let dmi: DmiServer;
  const ctl = new AbortController();
  const runs: Promise<void>[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kedge-dmi-sdk-'));
    rig = twinRig({ dir });
    rig.cloud('insert', model);
    rig.cloud('insert', device('d1', '20'));
    // A tight limit (5/s, burst 5) so the mapper's two devices' reports are throttled on purpose.
    dmi = createDmiServer({ socket: join(dir, 'dmi.sock'), stateFile: join(dir, 'dmi-mappers.json'), twin: rig.twin, log: silentLogger(), rate: { perSecond: 5, burst: 5 } });
    runs.push(rig.twin.start(ctl.signal), dmi.start(ctl.signal));
    await waitFor(() => existsSync(join(dir, 'dmi.sock')), 'DMI socket');
    runs.push(runMapper({
      factory: virtualFactory, log: silentLogger(), signal: ctl.signal, backoff: { initialMs: 50, maxMs: 200 },
      config: { name: 'virtual-mapper', version: 'v1', apiVersion: 'v1', protocol: 'virtual', socket: join(dir, 'virtual.sock'), dmiSocket: join(dir, 'dmi.sock'), restPort: -1, restBind: '127.0.0.1' },
    }));
  });

  after(async () => {
    ctl.abort();
    await Promise.all(runs);
    rig.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a mapper report lands in the twin SQLite tables and goes upstream as twin/edge_updated', async () => {
    await waitFor(() => dmi.mappers().some((m) => m.name === 'virtual-mapper'), 'mapper registered');
    await waitFor(() => edgeUpdated(rig.link.sent, 'd1').some((t) => Number(t.count?.actual?.value) > 0), 'edge_updated with a count', 10_000);
    const row = rig.db.prepare("SELECT actual FROM device_twin WHERE deviceid = 'default/d1' AND name = 'count'").get() as { actual: string } | undefined;
    assert.ok(row, 'device_twin row for count');
    assert.ok(Number(row.actual) > 0, `actual count in SQLite: ${row.actual}`);
    // The initial desired 20 was written by the driver and comes back as observedDesired (expected upstream).
    await waitFor(() => edgeUpdated(rig.link.sent, 'd1').some((t) => t.setpoint?.expected?.value === '20' && t.setpoint?.actual?.value === '20'), 'setpoint 20 observed');
    await waitFor(() => rig.link.sent.some((m) => m.route.resource === 'device/default/d1/state/update' && (m.content as { state: string }).state === 'ok'), 'state ok upstream');
  });

  it('a desired change on the Device reaches the mapper and comes back as observedDesired', async () => {
    rig.cloud('update', device('d1', '77'));
    await waitFor(() => edgeUpdated(rig.link.sent, 'd1').some((t) => t.setpoint?.expected?.value === '77' && t.setpoint?.actual?.value === '77'), 'setpoint 77 observed', 10_000);
  });

  it('reports refused by the DMI rate limit are counted and the mapper resends the latest values', async () => {
    rig.cloud('insert', device('d2', '5'));
    await waitFor(() => dmi.throttled() > 0, 'some reports throttled at 5/s', 10_000);
    const seen = edgeUpdated(rig.link.sent, 'd2').length;
    // Throttled, yet d2's newer counts keep arriving: nothing is stuck behind a refusal.
    await waitFor(() => edgeUpdated(rig.link.sent, 'd2').length > seen + 2, 'd2 reports keep arriving under throttling', 10_000);
    const counts = edgeUpdated(rig.link.sent, 'd2').map((t) => Number(t.count?.actual?.value)).filter((n) => n > 0);
    assert.ok(counts.length >= 2);
    assert.ok(counts.at(-1)! > counts[0]!, 'later reports carry newer readings');
  });
});
