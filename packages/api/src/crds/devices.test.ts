import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateValue } from '../schema/validate.js';
import type { JSONSchema } from '../schema/types.js';
import { deviceCRD, deviceModelCRD } from './devices.js';

const schemaOf = (crd: typeof deviceCRD): JSONSchema => crd.spec.versions[0].schema.openAPIV3Schema;
const fields = (crd: typeof deviceCRD, obj: unknown) => validateValue(obj, schemaOf(crd), {}).errors.map((e) => `${e.field} ${e.reason}`);

const device = (spec: Record<string, unknown>) => ({ apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'Device', metadata: { name: 'd' }, spec });
const good = { deviceModelRef: { name: 'm' }, nodeName: 'e1', protocol: { protocolName: 'modbus', configData: { ip: '127.0.0.1', port: 502 } }, properties: [{ name: 'temp', reportCycle: 1000, collectCycle: 500, desired: { value: '20' } }] };

describe('Device CRD validation', () => {
  it('accepts a KubeEdge-style Device', () => {
    assert.deepEqual(fields(deviceCRD, device(good)), []);
  });

  it('names the missing required fields', () => {
    assert.deepEqual(fields(deviceCRD, { metadata: { name: 'd' } }), ['spec FieldValueRequired']);
    assert.deepEqual(fields(deviceCRD, device({})), ['spec.deviceModelRef FieldValueRequired', 'spec.protocol FieldValueRequired']);
    assert.deepEqual(fields(deviceCRD, device({ ...good, deviceModelRef: {}, protocol: { configData: {} } })), ['spec.deviceModelRef.name FieldValueRequired', 'spec.protocol.protocolName FieldValueRequired']);
    assert.deepEqual(fields(deviceCRD, device({ ...good, properties: [{ reportCycle: 1 }] })), ['spec.properties[0].name FieldValueRequired']);
  });

  it('refuses duplicate property names and negative cycles', () => {
    assert.deepEqual(fields(deviceCRD, device({ ...good, properties: [{ name: 'a' }, { name: 'a' }] })), ['spec.properties[1] FieldValueDuplicate']);
    assert.deepEqual(fields(deviceCRD, device({ ...good, properties: [{ name: 'a', reportCycle: -1, collectCycle: -5 }] })), ['spec.properties[0].reportCycle FieldValueInvalid', 'spec.properties[0].collectCycle FieldValueInvalid']);
    assert.deepEqual(fields(deviceCRD, device({ ...good, properties: [{ name: 'a', reportCycle: 'fast' }] })), ['spec.properties[0].reportCycle FieldValueTypeInvalid']);
  });

  it('status twins are keyed by propertyName', () => {
    const st = { twins: [{ propertyName: 't', reported: { value: '1', metadata: { timestamp: '1' } } }, { propertyName: 't' }] };
    assert.deepEqual(fields(deviceCRD, { ...device(good), status: st }), ['status.twins[1] FieldValueDuplicate']);
  });
});

describe('DeviceModel CRD validation', () => {
  const model = (properties: unknown[]) => ({ metadata: { name: 'm' }, spec: { protocol: 'modbus', properties } });
  it('accepts the KubeEdge enums and refuses others by field', () => {
    assert.deepEqual(fields(deviceModelCRD, model([{ name: 't', type: 'FLOAT', accessMode: 'ReadWrite' }, { name: 'u', type: 'STRING', accessMode: 'ReadOnly' }])), []);
    assert.deepEqual(fields(deviceModelCRD, model([{ name: 't', type: 'float', accessMode: 'RW' }])), ['spec.properties[0].type FieldValueNotSupported', 'spec.properties[0].accessMode FieldValueNotSupported']);
    assert.deepEqual(fields(deviceModelCRD, model([{ name: 't' }, { name: 't', type: 'INT' }])), ['spec.properties[0].type FieldValueRequired', 'spec.properties[1] FieldValueDuplicate']);
  });
});
