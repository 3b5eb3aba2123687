import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { KubeObject } from '@kedge/api';
import { deviceToDmi, modelToDmi } from '@kedge/api/dmi/index.js';
import { silentLogger } from '@kedge/core';
import { toDeviceSettings } from '../sdk/device-spec.js';
import { modbusFactory } from './driver.js';
import { startModbusSim } from './testing/modbus-sim.js';

const examples = fileURLToPath(new URL('../../../../docs/examples/devices/', import.meta.url));

test('the KubeEdge-style Device YAML in docs/examples/devices drives the modbus driver unchanged', async (t) => {
  const device = parse(await readFile(`${examples}modbus-device.yaml`, 'utf8')) as KubeObject;
  const model = parse(await readFile(`${examples}modbus-model.yaml`, 'utf8')) as KubeObject;
  // The same path a Device takes to a mapper: CRD object → DMI protobuf shape → driver DeviceSpec.
  const { spec } = toDeviceSettings(deviceToDmi(device), modelToDmi(model));
  assert.deepEqual(spec.properties.map((p) => [p.name, p.type, p.accessMode]), [
    ['temperature', 'FLOAT', 'ReadOnly'], ['setpoint', 'INT', 'ReadWrite'], ['power', 'FLOAT', 'ReadOnly'],
    ['heater', 'BOOLEAN', 'ReadWrite'], ['alarm', 'BOOLEAN', 'ReadOnly'],
  ]);

  const sim = await startModbusSim();
  t.after(() => sim.close());
  sim.input[0] = 215;
  sim.holding[1] = 19;
  const power = Buffer.alloc(4);
  power.writeFloatBE(1500.5);
  sim.holding[2] = power.readUInt16BE(2);
  sim.holding[3] = power.readUInt16BE(0);
  sim.coils[0] = true;
  // Only the address differs from the file: the simulated device listens on a free port.
  spec.protocol.configData = { ...spec.protocol.configData, port: sim.port };
  const driver = modbusFactory.create(spec, silentLogger());
  await driver.init(AbortSignal.timeout(5000));
  t.after(() => driver.stop());
  const read: Record<string, unknown> = {};
  for (const p of spec.properties) read[p.name] = await driver.read(p);
  assert.deepEqual(read, { temperature: 215 * 0.1, setpoint: 19, power: 1500.5, heater: true, alarm: false });
  const setpoint = spec.properties.find((p) => p.name === 'setpoint')!;
  await driver.write(setpoint, setpoint.desired!);
  assert.equal(sim.holding[1], 21);
});
