import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@kedge/core';
import type { DeviceSpec, PropertySpec, PropertyType, PropertyValue } from '../sdk/driver.js';
import { createOpcuaFactory, OpcuaDriver } from './driver.js';
import { startOpcuaSim } from './testing/opcua-sim.js';

const log = silentLogger();

function prop(name: string, type: PropertyType, nodeID: string): PropertySpec {
  return { name, type, accessMode: 'ReadWrite', visitors: { protocolName: 'opcua', configData: { nodeID } }, collectCycleMs: 100, reportCycleMs: 100, reportToCloud: true };
}
const temperature = prop('temperature', 'DOUBLE', 'ns=1;s=Temperature');
const counter = prop('counter', 'INT', 'ns=1;s=Counter');
const pressure = prop('pressure', 'DOUBLE', 'ns=1;s=Pressure');
const missing = prop('missing', 'DOUBLE', 'ns=1;s=NoSuchNode');

function device(configData: Record<string, unknown>): DeviceSpec {
  return { namespace: 'default', name: 'opcua-test', protocol: { protocolName: 'opcua', configData }, properties: [temperature, counter, pressure, missing] };
}

test('opcua driver against a node-opcua server', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kedge-opcua-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const sim = await startOpcuaSim({ pkiDir: join(dir, 'server-pki'), users: { operator: 's3cret' } });
  t.after(() => sim.close());
  const factory = createOpcuaFactory({ pkiDir: join(dir, 'client-pki') });

  await t.test('anonymous: read with type conversion, write with the node DataType', async () => {
    const driver = factory.create(device({ url: sim.url, securityPolicy: 'None', timeout: 5000 }), log);
    await driver.init(AbortSignal.timeout(20_000));
    try {
      assert.equal(await driver.health(), 'ok');
      sim.values.temperature = 21.5;
      sim.values.counter = -7;
      sim.values.pressure = 1.25;
      assert.equal(await driver.read(temperature), 21.5);
      assert.equal(await driver.read(counter), -7);
      assert.equal(await driver.read(pressure), 1.25);
      await driver.write(temperature, '23.25');
      assert.equal(sim.values.temperature, 23.25);
      await driver.write(counter, '42');
      assert.equal(sim.values.counter, 42);
      await assert.rejects(driver.write(counter, '4.5'), /property counter: desired value "4.5" is not an integer/);
      await assert.rejects(driver.write(counter, '3000000000'), /out of range/);
      await assert.rejects(driver.write(pressure, '2'), /property pressure: write of node ns=1;s=Pressure failed: Bad/);
      await assert.rejects(driver.read(missing), /property missing: read of node ns=1;s=NoSuchNode failed: BadNodeIdUnknown/);
    } finally {
      await driver.stop();
    }
    assert.equal(await driver.health(), 'offline');
  });

  await t.test('subscribe delivers changes of a monitored node; unsubscribe stops them', async () => {
    const driver = factory.create(device({ url: sim.url }), log);
    await driver.init(AbortSignal.timeout(20_000));
    try {
      const seen: PropertyValue[] = [];
      let notify: (() => void) | undefined;
      sim.values.temperature = 10;
      const unsubscribe = await driver.subscribe!(temperature, (v) => { seen.push(v); notify?.(); });
      const waitFor = (want: number) => new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no notification with ${want}; saw ${JSON.stringify(seen)}`)), 10_000);
        notify = () => { if (seen.includes(want)) { clearTimeout(timer); resolve(); } };
        notify();
      });
      await waitFor(10);
      sim.values.temperature = 11.5;
      await waitFor(11.5);
      await unsubscribe();
    } finally {
      await driver.stop();
    }
  });

  await t.test('username auth: the right password gets a session, a wrong one is refused', async () => {
    const good = new OpcuaDriver(device({ url: sim.url, userName: 'operator', password: 's3cret' }), log, { pkiDir: join(dir, 'client-pki') });
    await good.init(AbortSignal.timeout(20_000));
    sim.values.counter = 5;
    assert.equal(await good.read(counter), 5);
    await good.stop();
    const bad = new OpcuaDriver(device({ url: sim.url, userName: 'operator', password: 'wrong' }), log, { pkiDir: join(dir, 'client-pki') });
    await assert.rejects(bad.init(AbortSignal.timeout(20_000)), /session for user operator failed/);
    assert.equal(await bad.health(), 'offline');
    await assert.rejects(bad.read(counter), /session for user operator failed/);
    await bad.stop();
    await assert.rejects(bad.read(counter), /not connected/);
  });
});

test('opcua config errors name the field', () => {
  const make = (configData: Record<string, unknown>, p: PropertySpec[] = [temperature]) =>
    new OpcuaDriver({ namespace: 'd', name: 'n', protocol: { protocolName: 'opcua', configData }, properties: p }, log);
  assert.throws(() => make({}), /opcua protocol\.configData\.url: is required/);
  assert.throws(() => make({ url: 'http://x' }), /protocol\.configData\.url: must be an opc\.tcp:\/\/ endpoint URL/);
  assert.throws(() => make({ url: 'opc.tcp://h:4840', securityPolicy: 'Rot13' }), /protocol\.configData\.securityPolicy: must be one of/);
  assert.throws(() => make({ url: 'opc.tcp://h:4840', securityMode: 'Loud' }), /protocol\.configData\.securityMode: must be one of/);
  assert.throws(() => make({ url: 'opc.tcp://h:4840', securityPolicy: 'Basic256Sha256', securityMode: 'None' }), /securityMode None does not fit securityPolicy Basic256Sha256/);
  assert.throws(() => make({ url: 'opc.tcp://h:4840', password: 'p' }), /protocol\.configData\.userName: is required when password is set/);
  assert.throws(() => make({ url: 'opc.tcp://h:4840', timeout: -1 }), /protocol\.configData\.timeout: must be a positive number/);
  assert.throws(() => make({ url: 'opc.tcp://h:4840' }, [prop('t', 'DOUBLE', '')]), /properties\[t\]\.visitors\.configData\.nodeID: is required/);
  assert.doesNotThrow(() => make({ url: 'opc.tcp://h:4840', securityPolicy: 'http://opcfoundation.org/UA/SecurityPolicy#None' }));
});
