import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { dmiProtoText } from '@kedge/api/dmi/index.js';
import { loadDmiServices } from './load-proto.js';
import { createTokenBucket } from '../edgehub/token-bucket.js';

// protobufjs resolves google/protobuf/any.proto from its bundled common types.
const root = protobuf.parse(dmiProtoText, { keepCase: true }).root;

describe('DMI v1beta1 proto', () => {
  it('keeps KubeEdge field numbers on the wire', () => {
    const T = root.lookupType('v1beta1.ReportDeviceStatusRequest');
    const bytes = T.encode(T.fromObject({ deviceName: 'd', reportedDevice: { twins: [{ propertyName: 'p', reported: { value: 'v' } }] }, deviceNamespace: 'ns' })).finish();
    // deviceName=1 (0x0a), reportedDevice=2 (0x12), deviceNamespace=3 (0x1a); Twin.reported=3 (0x1a), TwinProperty.value=1.
    assert.equal(Buffer.from(bytes).toString('hex'), '0a0164' + '120a0a080a01701a030a0176' + '1a026e73');
    const decoded = T.toObject(T.decode(bytes)) as any;
    assert.deepEqual([decoded.deviceName, decoded.deviceNamespace, decoded.reportedDevice.twins[0].reported.value], ['d', 'ns', 'v']);
  });

  it('has the field numbers of upstream messages', () => {
    const num = (type: string, field: string) => root.lookupType(`v1beta1.${type}`).fields[field]!.id;
    assert.deepEqual([num('MapperInfo', 'name'), num('MapperInfo', 'api_version'), num('MapperInfo', 'address'), num('MapperInfo', 'state')], [1, 3, 5, 6]);
    assert.deepEqual([num('Device', 'name'), num('Device', 'spec'), num('Device', 'status'), num('Device', 'namespace')], [1, 2, 3, 4]);
    assert.deepEqual([num('DeviceProperty', 'desired'), num('DeviceProperty', 'visitors'), num('DeviceProperty', 'reportCycle'), num('DeviceProperty', 'collectCycle'), num('DeviceProperty', 'reportToCloud'), num('DeviceProperty', 'pushMethod')], [2, 3, 4, 5, 6, 7]);
    assert.deepEqual([num('PushMethodHTTP', 'hostname'), num('PushMethodHTTP', 'port'), num('PushMethodHTTP', 'requestpath'), num('PushMethodHTTP', 'timeout')], [1, 2, 3, 4]);
    assert.deepEqual([num('ReportDeviceStatesRequest', 'deviceName'), num('ReportDeviceStatesRequest', 'deviceNamespace'), num('ReportDeviceStatesRequest', 'state')], [1, 2, 3]);
    assert.deepEqual([num('Twin', 'propertyName'), num('Twin', 'observedDesired'), num('Twin', 'reported')], [1, 2, 3]);
  });

  it('loads both services with KubeEdge method paths', () => {
    const s = loadDmiServices();
    assert.deepEqual(Object.values(s.DeviceManagerService.service).map((m) => m.path).sort(), [
      '/v1beta1.DeviceManagerService/MapperRegister', '/v1beta1.DeviceManagerService/ReportDeviceStates', '/v1beta1.DeviceManagerService/ReportDeviceStatus',
    ]);
    assert.equal(Object.keys(s.DeviceMapperService.service).length, 7);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then one per second', () => {
    let now = 0;
    const b = createTokenBucket(1, 3, () => now);
    assert.deepEqual([b.tryTake(), b.tryTake(), b.tryTake(), b.tryTake()], [true, true, true, false]);
    now = 1000;
    assert.deepEqual([b.tryTake(), b.tryTake()], [true, false]);
  });
});
