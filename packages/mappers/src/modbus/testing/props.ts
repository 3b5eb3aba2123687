import type { DeviceSpec, PropertySpec, PropertyType } from '../../sdk/driver.js';

/** A PropertySpec with a modbus visitor, the way the SDK hands it to the driver. */
export function modbusProperty(name: string, type: PropertyType, configData: Record<string, unknown>, accessMode: PropertySpec['accessMode'] = 'ReadWrite'): PropertySpec {
  return {
    name, type, accessMode,
    visitors: { protocolName: 'modbus', configData },
    collectCycleMs: 1000, reportCycleMs: 1000, reportToCloud: true,
  };
}

export function modbusDevice(port: number, properties: PropertySpec[], extra: Record<string, unknown> = {}): DeviceSpec {
  return {
    namespace: 'default', name: 'modbus-test',
    protocol: { protocolName: 'modbus', configData: { ip: '127.0.0.1', port, slaveID: 1, communicateMode: 'TCP', timeout: 2000, ...extra } },
    properties,
  };
}
