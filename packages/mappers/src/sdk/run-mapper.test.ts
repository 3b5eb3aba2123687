import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Server, ServerCredentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { deviceToDmi, modelToDmi, unixTarget, type DmiDevice, type MapperRegisterRequest, type ReportDeviceStatesRequest, type ReportDeviceStatusRequest } from '@kedge/api/dmi/index.js';
import { silentLogger } from '@kedge/core';
import { waitFor } from '@kedge/core/testing/harness.js';
import { virtualFactory } from '../virtual/index.js';
import { dmiServices } from './dmi-proto.js';
import { runMapper } from './run-mapper.js';

/** A real DeviceManagerService on a unix socket that records what mappers send (EdgeCore's side, in the test). */
async function startRecorder(socket: string, devices: DmiDevice[]) {
  const rec = { registers: [] as MapperRegisterRequest[], status: [] as ReportDeviceStatusRequest[], states: [] as ReportDeviceStatesRequest[] };
  const server = new Server();
  server.addService(dmiServices().DeviceManagerService.service, {
    MapperRegister: (c: any, cb: any) => { rec.registers.push(c.request); cb(null, { modelList: [modelToDmi(model)], deviceList: devices }); },
    ReportDeviceStatus: (c: any, cb: any) => { rec.status.push(c.request); cb(null, {}); },
    ReportDeviceStates: (c: any, cb: any) => { rec.states.push(c.request); cb(null, {}); },
  });
  await new Promise<void>((res, rej) => server.bindAsync(`unix:${socket}`, ServerCredentials.createInsecure(), (e) => (e ? rej(e) : res())));
  return { rec, stop: () => new Promise<void>((r) => server.tryShutdown(() => r())) };
}

const model = {
  apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'DeviceModel', metadata: { name: 'demo-model', namespace: 'default' },
  spec: { protocol: 'virtual', properties: [{ name: 'count', type: 'INT', accessMode: 'ReadOnly' }, { name: 'setpoint', type: 'INT', accessMode: 'ReadWrite' }] },
};
const device = (name: string, extra: Record<string, unknown> = {}) => deviceToDmi({
  apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'Device', metadata: { name, namespace: 'default' },
  spec: {
    deviceModelRef: { name: 'demo-model' },
    protocol: { protocolName: 'virtual', configData: extra },
    properties: [
      { name: 'count', collectCycle: 50, reportCycle: 100, reportToCloud: true, visitors: { protocolName: 'virtual', configData: { kind: 'counter', min: 10, max: 1000, step: 1 } } },
      { name: 'setpoint', collectCycle: 50, reportCycle: 100, reportToCloud: true, desired: { value: '42' }, visitors: { protocolName: 'virtual', configData: {} } },
    ],
    stateReport: { reportToCloud: true, reportCycle: 100 },
  },
});

describe('runMapper with the virtual driver', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kedge-mapper-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('registers, collects, reports, writes desired values, serves REST and takes device updates over gRPC', async () => {
    const dmiSocket = join(dir, 'dmi.sock');
    const socket = join(dir, 'virtual.sock');
    const edge = await startRecorder(dmiSocket, [device('d1')]);
    const ctl = new AbortController();
    let rest = 0;
    const run = runMapper({
      factory: virtualFactory, log: silentLogger(), signal: ctl.signal,
      config: { name: 'virtual-mapper', version: 'v1', apiVersion: 'v1', protocol: 'virtual', socket, dmiSocket, restPort: 0, restBind: '127.0.0.1' },
      onReady: (i) => { rest = i.restPort ?? 0; },
    });
    try {
      await waitFor(() => edge.rec.registers.length === 1, 'MapperRegister');
      const reg = edge.rec.registers[0]!;
      assert.deepEqual([reg.withData, reg.mapper?.name, reg.mapper?.protocol, Buffer.from(reg.mapper!.address).toString()], [true, 'virtual-mapper', 'virtual', socket]);

      // Counter values arrive as reported twins; the desired 42 comes back as observedDesired and reported.
      await waitFor(() => edge.rec.status.some((s) => s.reportedDevice?.twins.some((t) => t.propertyName === 'count' && Number(t.reported?.value) > 10)), 'counter reports');
      await waitFor(() => edge.rec.status.some((s) => s.reportedDevice?.twins.some((t) => t.propertyName === 'setpoint' && t.observedDesired?.value === '42' && t.reported?.value === '42')), 'desired 42 observed');
      const st = edge.rec.status.find((s) => s.reportedDevice?.twins.some((t) => t.propertyName === 'count'))!;
      assert.deepEqual([st.deviceName, st.deviceNamespace], ['d1', 'default']);
      assert.equal(st.reportedDevice!.twins.find((t) => t.propertyName === 'count')!.reported!.metadata!.type, 'int');
      await waitFor(() => edge.rec.states.some((s) => s.deviceName === 'd1' && s.state === 'ok'), 'state ok');

      // REST: ping, a value, 404s.
      const ping = await fetch(`http://127.0.0.1:${rest}/api/v1/ping`);
      assert.equal(ping.status, 200);
      const val = await (await fetch(`http://127.0.0.1:${rest}/api/v1/device/default/d1/setpoint`)).json() as any;
      assert.deepEqual([val.Data.Value, val.Data.PropertyName], ['42', 'setpoint']);
      assert.equal((await fetch(`http://127.0.0.1:${rest}/api/v1/device/default/nope/count`)).status, 404);
      assert.equal((await fetch(`http://127.0.0.1:${rest}/api/v1/device/default/d1/nope`)).status, 404);

      // EdgeCore's calls on the mapper's socket: a new desired value, a new device, a removal.
      const client = new (dmiServices().DeviceMapperService)(unixTarget(socket), credentials.createInsecure()) as Client & Record<string, any>;
      const call = (m: string, req: unknown) => new Promise<any>((res, rej) => client[m](req, (e: ServiceError | null, r: unknown) => (e ? rej(e) : res(r))));
      const updated = device('d1');
      updated.spec!.properties[1]!.desired = { value: '7', metadata: {} };
      await call('UpdateDevice', { device: updated });
      await waitFor(() => edge.rec.status.some((s) => s.reportedDevice?.twins.some((t) => t.propertyName === 'setpoint' && t.observedDesired?.value === '7')), 'desired 7 observed');
      await call('RegisterDevice', { device: device('d2') });
      await waitFor(() => edge.rec.status.some((s) => s.deviceName === 'd2'), 'd2 reports');
      const got = await call('GetDevice', { deviceName: 'd2', deviceNamespace: 'default' });
      assert.equal(got.device.name, 'd2');
      await call('RemoveDevice', { deviceName: 'd2', deviceNamespace: 'default' });
      await assert.rejects(call('GetDevice', { deviceName: 'd2', deviceNamespace: 'default' }), /not found/);
      client.close();
    } finally {
      ctl.abort();
      await run;
      await edge.stop();
    }
  });

  it('retries a failing driver init with backoff and reports the device unhealthy', async () => {
    const dmiSocket = join(dir, 'dmi2.sock');
    const edge = await startRecorder(dmiSocket, [device('broken', { failInit: true })]);
    const ctl = new AbortController();
    const run = runMapper({
      factory: virtualFactory, log: silentLogger(), signal: ctl.signal, backoff: { initialMs: 20, maxMs: 40 },
      config: { name: 'v2', version: 'v1', apiVersion: 'v1', protocol: 'virtual', socket: join(dir, 'v2.sock'), dmiSocket, restPort: -1, restBind: '127.0.0.1' },
    });
    try {
      await waitFor(() => edge.rec.states.some((s) => s.deviceName === 'broken' && s.state === 'unhealthy'), 'unhealthy state');
      assert.equal(edge.rec.status.filter((s) => s.deviceName === 'broken').length, 0);
    } finally {
      ctl.abort();
      await run;
      await edge.stop();
    }
  });

  it('registers once EdgeCore comes up after the mapper', async () => {
    const dmiSocket = join(dir, 'dmi3.sock');
    const ctl = new AbortController();
    const run = runMapper({
      factory: virtualFactory, log: silentLogger(), signal: ctl.signal,
      config: { name: 'v3', version: 'v1', apiVersion: 'v1', protocol: 'virtual', socket: join(dir, 'v3.sock'), dmiSocket, restPort: -1, restBind: '127.0.0.1' },
    });
    await new Promise((r) => setTimeout(r, 300));
    const edge = await startRecorder(dmiSocket, []);
    try {
      await waitFor(() => edge.rec.registers.length >= 1, 'late registration', 15_000);
    } finally {
      ctl.abort();
      await run;
      await edge.stop();
    }
  });
});
