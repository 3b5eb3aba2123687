import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { anyToValue, JSON_ANY_TYPE, valueToAny } from './any.js';
import { deviceFromDmi, deviceToDmi, modelFromDmi, modelToDmi } from './convert.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('Any wrappers', () => {
  it('encodes wrappers the way protoc-generated Go code does', () => {
    // StringValue{value:"ab"} = 0a 02 61 62; Int64Value{502} = 08 f6 03; BoolValue{true} = 08 01.
    assert.deepEqual([valueToAny('ab').type_url, hex(valueToAny('ab').value)], ['type.googleapis.com/google.protobuf.StringValue', '0a026162']);
    assert.deepEqual([valueToAny(502).type_url, hex(valueToAny(502).value)], ['type.googleapis.com/google.protobuf.Int64Value', '08f603']);
    assert.equal(hex(valueToAny(true).value), '0801');
    // Negative int64 is a ten-byte two's-complement varint.
    assert.equal(hex(valueToAny(-1).value), '08ffffffffffffffffff01');
    // proto3 leaves default values off the wire.
    assert.equal(valueToAny(0).value.length, 0);
    assert.equal(valueToAny('').value.length, 0);
    assert.equal(valueToAny(1.5).type_url, 'type.googleapis.com/google.protobuf.FloatValue');
  });

  it('round-trips strings, numbers, booleans and nested JSON', () => {
    for (const v of ['', 'hello ✓', 0, 1, -7, 2 ** 40, 0.1, 3.25, -2.5, true, false]) assert.deepEqual(anyToValue(valueToAny(v)), v, String(v));
    const nested = { a: [1, 'x'], b: { c: null } };
    const any = valueToAny(nested);
    assert.equal(any.type_url, JSON_ANY_TYPE);
    assert.deepEqual(anyToValue(any), nested);
  });

  it('reads Int32Value, DoubleValue and UInt64Value that other encoders produce', () => {
    const dbl = new Uint8Array(9);
    dbl[0] = 0x09;
    new DataView(dbl.buffer).setFloat64(1, 0.1, true);
    assert.equal(anyToValue({ type_url: 'type.googleapis.com/google.protobuf.DoubleValue', value: dbl }), 0.1);
    assert.equal(anyToValue({ type_url: 'type.googleapis.com/google.protobuf.Int32Value', value: Uint8Array.from([0x08, 0x05]) }), 5);
    assert.equal(anyToValue({ type_url: 'type.googleapis.com/google.protobuf.UInt64Value', value: Uint8Array.from([0x08, 0x80, 0x01]) }), 128);
    assert.throws(() => anyToValue({ type_url: 'type.googleapis.com/foo.Bar', value: new Uint8Array(0) }), /unsupported Any type/);
  });
});

const device: KubeObject = {
  apiVersion: 'devices.kubeedge.io/v1beta1',
  kind: 'Device',
  metadata: { name: 'thermo', namespace: 'factory' },
  spec: {
    deviceModelRef: { name: 'thermo-model' },
    nodeName: 'edge-1',
    protocol: { protocolName: 'modbus', configData: { ip: '10.0.0.5', port: 502, slaveID: 1 } },
    properties: [{
      name: 'temperature',
      desired: { value: '20', metadata: { type: 'int' } },
      visitors: { protocolName: 'modbus', configData: { register: 'HoldingRegister', offset: 2, limit: 1, scale: 0.5, isSwap: true } },
      reportCycle: 2000,
      collectCycle: 500,
      reportToCloud: true,
      pushMethod: {
        mqtt: { address: 'tcp://127.0.0.1:1883', topic: 't/temp', qos: 1, retained: false },
        dbMethod: { TDEngine: { TDEngineClientConfig: { addr: '127.0.0.1:6041', dbName: 'db' } } },
      },
    }],
    methods: [{ name: 'reset', description: 'reset it', propertyNames: ['temperature'] }],
    stateReport: { reportToCloud: true, reportCycle: 5000 },
  },
  status: { twins: [{ propertyName: 'temperature', reported: { value: '19', metadata: { timestamp: '1' } } }] },
};

describe('CRD ↔ DMI', () => {
  it('converts a Device with KubeEdge field names', () => {
    const d = deviceToDmi(device);
    assert.equal(d.name, 'thermo');
    assert.equal(d.namespace, 'factory');
    assert.equal(d.spec?.deviceModelReference, 'thermo-model');
    assert.equal(anyToValue(d.spec!.protocol!.configData!.data.port!), 502);
    const p = d.spec!.properties[0]!;
    assert.deepEqual([p.reportCycle, p.collectCycle, p.reportToCloud], [2000, 500, true]);
    assert.deepEqual(p.pushMethod?.mqtt, { address: 'tcp://127.0.0.1:1883', topic: 't/temp', qos: 1, retained: false });
    assert.deepEqual(p.pushMethod?.dbMethod?.tdengine, { tdEngineClientConfig: { addr: '127.0.0.1:6041', dbname: 'db' } });
    assert.deepEqual([d.status?.reportToCloud, d.status?.reportCycle], [true, 5000]);
    assert.equal(d.status?.twins[0]?.reported?.value, '19');
  });

  it('round-trips Device spec and twins through DMI', () => {
    const back = deviceFromDmi(deviceToDmi(device));
    const { nodeName: _drop, ...specWithoutNode } = device.spec;
    assert.deepEqual(back.spec, specWithoutNode);
    assert.deepEqual(back.status.twins, device.status.twins);
    assert.deepEqual(back.metadata, { name: 'thermo', namespace: 'factory' });
  });

  it('falls back to the pre-1.23 status.reportToCloud and fills defaults for empty objects', () => {
    const d = deviceToDmi({ metadata: { name: 'x' }, spec: {}, status: { reportToCloud: true, reportCycle: 100 } });
    assert.deepEqual([d.namespace, d.status?.reportToCloud, d.status?.reportCycle, d.spec?.properties.length], ['default', true, 100, 0]);
  });

  it('round-trips a DeviceModel', () => {
    const model: KubeObject = {
      apiVersion: 'devices.kubeedge.io/v1beta1',
      kind: 'DeviceModel',
      metadata: { name: 'thermo-model', namespace: 'factory' },
      spec: { protocol: 'modbus', properties: [{ name: 'temperature', type: 'INT', accessMode: 'ReadWrite', minimum: '0', maximum: '100', unit: 'C' }] },
    };
    const dmi = modelToDmi(model);
    assert.deepEqual(dmi.spec?.properties[0], { name: 'temperature', description: '', type: 'INT', accessMode: 'ReadWrite', minimum: '0', maximum: '100', unit: 'C' });
    assert.deepEqual(modelFromDmi(dmi, 'modbus'), model);
  });
});
