import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { waitFor } from '@kedge/core/testing/harness.js';
import { createDmiServer } from '@kedge/edge/dmi/index.js';
import type { DeviceChange, DeviceTwinApi, TwinReport, TwinResult } from '@kedge/edge/devicetwin/types.js';
import { runMapper, virtualFactory } from '@kedge/mappers';

/** In-test DeviceTwinApi (the contract's test double until DeviceTwin lands): devices in a map, reports recorded. */
function memoryTwin() {
  const devices = new Map<string, KubeObject>();
  const subs = new Set<(c: DeviceChange, d: KubeObject, m?: KubeObject) => void>();
  const reports: Array<{ ns: string; name: string; twins: TwinReport[] }> = [];
  const states: Array<{ ns: string; name: string; state: string }> = [];
  const model: KubeObject = { metadata: { name: 'm', namespace: 'default' }, spec: { protocol: 'virtual', properties: [{ name: 'n', type: 'INT', accessMode: 'ReadWrite' }] } };
  const twin: DeviceTwinApi = {
    getDevice: (ns, name) => { const d = devices.get(`${ns}/${name}`); return d ? { device: d, model } : undefined; },
    listDevices: (protocol) => [...devices.values()].filter((d) => !protocol || d.spec.protocol.protocolName === protocol).map((device) => ({ device, model })),
    onDeviceChange: (cb) => { subs.add(cb); return () => subs.delete(cb); },
    reportTwins: (ns, name, twins): TwinResult => { if (!devices.has(`${ns}/${name}`)) return { code: 404, reason: 'no such device' }; reports.push({ ns, name, twins }); return { code: 200 }; },
    reportState: (ns, name, state): TwinResult => { states.push({ ns, name, state }); return { code: 200 }; },
  };
  const put = (d: KubeObject, change: DeviceChange) => {
    const k = `${d.metadata.namespace}/${d.metadata.name}`;
    if (change === 'removed') devices.delete(k); else devices.set(k, d);
    for (const s of subs) s(change, d, model);
  };
  return { twin, put, reports, states };
}

const dev = (name: string, desired?: string): KubeObject => ({
  apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'Device', metadata: { name, namespace: 'default' },
  spec: {
    deviceModelRef: { name: 'm' }, protocol: { protocolName: 'virtual', configData: {} },
    properties: [{ name: 'n', collectCycle: 50, reportCycle: 100, reportToCloud: true, visitors: { protocolName: 'virtual', configData: { kind: 'counter', min: 0, max: 10 } }, ...(desired ? { desired: { value: desired } } : {}) }],
  },
});

describe('EdgeCore DMI + mapper SDK + virtual mapper over unix sockets', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kedge-dmi-it-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('registers, reports, follows device changes, and reconnects after an EdgeCore restart', async () => {
    const mem = memoryTwin();
    mem.put(dev('a', '5'), 'added');
    const dmiSocket = join(dir, 'dmi.sock');
    const stateFile = join(dir, 'dmi-mappers.json');
    const startEdge = () => {
      const ctl = new AbortController();
      const server = createDmiServer({ socket: dmiSocket, stateFile, twin: mem.twin, log: silentLogger(), rate: { perSecond: 1000, burst: 1000 } });
      const done = server.start(ctl.signal);
      return { server, stop: async () => { ctl.abort(); await done; } };
    };
    let edge = startEdge();
    const mctl = new AbortController();
    const mapper = runMapper({
      factory: virtualFactory, log: silentLogger(), signal: mctl.signal,
      config: { name: 'virtual-mapper', version: 'v1', apiVersion: 'v1', protocol: 'virtual', socket: join(dir, 'virtual.sock'), dmiSocket, restPort: -1, restBind: '127.0.0.1' },
    });
    try {
      await waitFor(() => edge.server.mappers().length === 1, 'mapper registered', 10_000);
      assert.equal(statSync(dmiSocket).mode & 0o777, 0o660);
      // Desired 5 written by the mapper, observed and reported back through DMI into DeviceTwin.
      await waitFor(() => mem.reports.some((r) => r.name === 'a' && r.twins.some((t) => t.observedDesired?.value === '5' && t.reported?.value === '5')), 'a: desired 5 observed');
      await waitFor(() => mem.states.some((s) => s.name === 'a' && s.state === 'ok'), 'a: state ok');

      // A new device and a new desired value reach the mapper through RegisterDevice/UpdateDevice.
      mem.put(dev('b'), 'added');
      mem.put(dev('a', '9'), 'updated');
      await waitFor(() => mem.reports.some((r) => r.name === 'b'), 'b reports', 10_000);
      await waitFor(() => mem.reports.some((r) => r.name === 'a' && r.twins.some((t) => t.observedDesired?.value === '9')), 'a: desired 9 observed');
      assert.deepEqual(Object.keys(JSON.parse(readFileSync(stateFile, 'utf8'))[0].devices).sort(), ['default/a', 'default/b']);

      // EdgeCore restarts; meanwhile b is removed. The persisted record lets the new EdgeCore tell the mapper.
      await edge.stop();
      mem.put(dev('b'), 'removed');
      edge = startEdge();
      await waitFor(() => Object.keys(edge.server.mappers()[0]?.devices ?? {}).join() === 'default/a', 'b removed from the mapper', 10_000);
      const before = mem.reports.length;
      await waitFor(() => mem.reports.length > before + 3, 'reports flow after restart', 15_000);
      const lastB = mem.reports.filter((r) => r.name === 'b').length;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(mem.reports.filter((r) => r.name === 'b').length, lastB, 'no reports for removed device b');
    } finally {
      mctl.abort();
      await mapper;
      await edge.stop();
    }
  });
});
