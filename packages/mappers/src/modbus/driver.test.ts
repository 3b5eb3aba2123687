import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '@kedge/core';
import { ModbusDriver, modbusFactory } from './driver.js';
import { startModbusSim } from './testing/modbus-sim.js';
import { modbusDevice, modbusProperty as prop } from './testing/props.js';

const log = silentLogger();

function words(kind: 'f32' | 'f64' | 'i32', v: number): number[] {
  const b = Buffer.alloc(kind === 'f64' ? 8 : 4);
  if (kind === 'f32') b.writeFloatBE(v);
  else if (kind === 'f64') b.writeDoubleBE(v);
  else b.writeInt32BE(v);
  const out: number[] = [];
  for (let i = 0; i < b.length; i += 2) out.push(b.readUInt16BE(i));
  return out;
}

test('modbus driver reads every register kind and data type from a ServerTCP device', async (t) => {
  const sim = await startModbusSim();
  t.after(() => sim.close());
  sim.holding.splice(0, 12, 0xfffb, 215, ...words('i32', -70000), ...words('f32', 21.5), ...words('f64', -3.25), 0x6869, 0x2100);
  const f32 = words('f32', 1.5);
  sim.input.splice(0, 4, f32[1]!, f32[0]!, 0x3412, 7);
  sim.coils[3] = true;
  sim.discrete[5] = true;
  const props = [
    prop('int16', 'INT', { register: 'HoldingRegister', offset: 0, limit: 1, dataType: 'int16' }),
    prop('kubeedgeInt', 'INT', { register: 'HoldingRegister', offset: 0, limit: 1, scale: 1 }),
    prop('scaled', 'FLOAT', { register: 'HoldingRegister', offset: 1, limit: 1, dataType: 'uint16', scale: 0.1 }),
    prop('int32', 'INT', { register: 'HoldingRegister', offset: 2, limit: 2, dataType: 'int32' }),
    prop('float32', 'FLOAT', { register: 'HoldingRegister', offset: 4, limit: 2, dataType: 'float32' }),
    prop('float64', 'DOUBLE', { register: 'HoldingRegister', offset: 6, limit: 4, dataType: 'float64' }),
    prop('text', 'STRING', { register: 'HoldingRegister', offset: 10, limit: 2, dataType: 'string' }),
    prop('wordSwapped', 'FLOAT', { register: 'InputRegister', offset: 0, limit: 2, dataType: 'float', isRegisterSwap: true }, 'ReadOnly'),
    prop('byteSwapped', 'INT', { register: 'InputRegister', offset: 2, limit: 1, dataType: 'uint16', isSwap: true }, 'ReadOnly'),
    prop('flagRegister', 'BOOLEAN', { register: 'InputRegister', offset: 3, limit: 1 }, 'ReadOnly'),
    prop('coil', 'BOOLEAN', { register: 'CoilRegister', offset: 3, limit: 1 }),
    prop('discrete', 'BOOLEAN', { register: 'DiscreteInputRegister', offset: 5, limit: 1 }, 'ReadOnly'),
    prop('discreteOff', 'BOOLEAN', { register: 'DiscreteInputRegister', offset: 4, limit: 1 }, 'ReadOnly'),
  ];
  const driver = modbusFactory.create(modbusDevice(sim.port, props), log);
  await driver.init(AbortSignal.timeout(5000));
  t.after(() => driver.stop());
  assert.equal(await driver.health(), 'ok');
  const got: Record<string, unknown> = {};
  for (const p of props) got[p.name] = await driver.read(p);
  assert.deepEqual(got, {
    int16: -5, kubeedgeInt: 65531, scaled: 215 * 0.1, int32: -70000, float32: 21.5, float64: -3.25, text: 'hi!',
    wordSwapped: 1.5, byteSwapped: 0x1234, flagRegister: true, coil: true, discrete: true, discreteOff: false,
  });
});

test('modbus driver writes holding registers and coils into the device; input registers refuse', async (t) => {
  const sim = await startModbusSim();
  t.after(() => sim.close());
  const setpoint = prop('setpoint', 'FLOAT', { register: 'HoldingRegister', offset: 2, limit: 1, dataType: 'uint16', scale: 0.5 });
  const wide = prop('wide', 'FLOAT', { register: 'HoldingRegister', offset: 4, limit: 2, dataType: 'float32', isRegisterSwap: true });
  const relay = prop('relay', 'BOOLEAN', { register: 'CoilRegister', offset: 7 });
  const sensor = prop('sensor', 'INT', { register: 'InputRegister', offset: 1 });
  const driver = new ModbusDriver(modbusDevice(sim.port, [setpoint, wide, relay, sensor]), log);
  await driver.init(AbortSignal.timeout(5000));
  t.after(() => driver.stop());
  await driver.write(setpoint, '30');
  assert.equal(sim.holding[2], 60);
  assert.equal(await driver.read(setpoint), 30);
  await driver.write(wide, '-12.75');
  const f = words('f32', -12.75);
  assert.deepEqual(sim.holding.slice(4, 6), [f[1], f[0]]);
  assert.equal(await driver.read(wide), -12.75);
  await driver.write(relay, 'true');
  assert.equal(sim.coils[7], true);
  await driver.write(relay, '0');
  assert.equal(sim.coils[7], false);
  await assert.rejects(driver.write(sensor, '1'), /property sensor: visitor register InputRegister is read-only/);
  await assert.rejects(driver.write(relay, 'maybe'), /property relay: desired value "maybe" is not a boolean/);
});

test('modbus protocol config errors name the field', () => {
  const p = [prop('x', 'INT', { register: 'HoldingRegister' })];
  const make = (configData: Record<string, unknown>) => new ModbusDriver({ namespace: 'd', name: 'n', protocol: { protocolName: 'modbus', configData }, properties: p }, log);
  assert.throws(() => make({ port: 502 }), /protocol\.configData\.ip: is required/);
  assert.throws(() => make({ ip: '127.0.0.1', communicateMode: 'RTU' }), /protocol\.configData\.communicateMode: "RTU" is not supported/);
  assert.throws(() => make({ serialPort: '/dev/ttyS0', slaveID: 1 }), /protocol\.configData\.serialPort: Modbus RTU \(serial\) is not supported/);
  assert.throws(() => make({ ip: '127.0.0.1', port: 70000 }), /protocol\.configData\.port: must be <= 65535/);
  assert.throws(() => make({ ip: '127.0.0.1', slaveID: 'one' }), /protocol\.configData\.slaveID: must be a number/);
  assert.doesNotThrow(() => make({ ip: '127.0.0.1', port: '1502', slaveID: '1', communicateMode: 'tcp' }));
});

test('modbus driver: reads fail while the device is down and work again after init re-dials', async (t) => {
  const sim = await startModbusSim();
  t.after(() => sim.close());
  sim.holding[0] = 42;
  const p = prop('v', 'INT', { register: 'HoldingRegister', offset: 0 });
  const driver = new ModbusDriver(modbusDevice(sim.port, [p], { timeout: 500 }), log);
  await driver.init(AbortSignal.timeout(5000));
  t.after(() => driver.stop());
  assert.equal(await driver.read(p), 42);
  await sim.close();
  await assert.rejects(driver.read(p), /modbus 127\.0\.0\.1:\d+: /);
  assert.equal(await driver.health(), 'offline');
  await assert.rejects(driver.read(p), /connect failed: connect ECONNREFUSED/);
  await assert.rejects(driver.init(AbortSignal.timeout(5000)), /connect failed/);
  await sim.restart();
  sim.holding[0] = 43;
  await driver.init(AbortSignal.timeout(5000));
  assert.equal(await driver.read(p), 43);
  assert.equal(await driver.health(), 'ok');
  // Without init(): the next read after the device comes back dials again by itself.
  await sim.close();
  await assert.rejects(driver.read(p));
  await sim.restart();
  sim.holding[0] = 44;
  assert.equal(await driver.read(p), 44);
  // After stop() nothing dials.
  await driver.stop();
  await assert.rejects(driver.read(p), /not connected/);
});
