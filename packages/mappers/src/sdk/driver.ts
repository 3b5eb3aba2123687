import type { Logger } from '@kedge/core';

/**
 * The contract between the mapper SDK and a protocol driver (issue 5). It follows KubeEdge's
 * mapper-framework driver (InitDevice, GetDeviceData, SetDeviceData, StopDevice, GetDeviceStates):
 * a driver only speaks its protocol; the SDK owns registration with EdgeCore (DMI), the collect and
 * report loops, desired-value writes, push methods, reconnect backoff and the REST API.
 */

/** Property types of a DeviceModel (devices.kubeedge.io/v1beta1 ModelProperty.type). */
export type PropertyType = 'INT' | 'FLOAT' | 'DOUBLE' | 'STRING' | 'BOOLEAN' | 'BYTES' | 'STREAM';

/** Device states a mapper reports (KubeEdge accepts online|offline|ok|unknown|unhealthy). */
export type DeviceState = 'ok' | 'online' | 'offline' | 'unknown' | 'unhealthy';

/** `{protocolName, configData}` of Device.spec.protocol and of a property's visitors, as written in the YAML. */
export interface ProtocolConfig {
  protocolName: string;
  configData: Record<string, unknown>;
}

/** One property of a device instance: the Device's property merged with its DeviceModel property. */
export interface PropertySpec {
  name: string;
  type: PropertyType;
  accessMode: 'ReadWrite' | 'ReadOnly';
  /** The property's visitor config (e.g. Modbus `register`, `offset`, `limit`, `scale`; OPC UA `nodeID`). */
  visitors: ProtocolConfig;
  /** Desired value from Device.spec.properties[].desired.value, if any. */
  desired?: string;
  collectCycleMs: number;
  reportCycleMs: number;
  reportToCloud: boolean;
  minimum?: string;
  maximum?: string;
  unit?: string;
  /** Device.spec.properties[].pushMethod, passed through (http, mqtt, ...). */
  pushMethod?: Record<string, unknown>;
}

/** A device as the SDK hands it to a driver. */
export interface DeviceSpec {
  namespace: string;
  name: string;
  /** Device.spec.protocol (e.g. Modbus `ip`, `port`, `slaveID`; OPC UA `url`, `userName`, `password`). */
  protocol: ProtocolConfig;
  properties: PropertySpec[];
}

/** A value read from a device, already converted to the property's type (scale, offset, swaps applied). */
export type PropertyValue = number | string | boolean;

export interface Driver {
  /** Connects to the device. Throwing makes the SDK retry with backoff and report the device unhealthy. */
  init(signal: AbortSignal): Promise<void>;
  /** Reads one property. */
  read(property: PropertySpec): Promise<PropertyValue>;
  /** Writes a desired value (the twin's string form) to one ReadWrite property. */
  write(property: PropertySpec, value: string): Promise<void>;
  /** The device's state as the driver sees it now. */
  health(): Promise<DeviceState>;
  /** Releases the connection; the SDK calls init() again before further reads. */
  stop(): Promise<void>;
  /** Optional: push updates (e.g. an OPC UA subscription). The SDK still polls when absent. */
  subscribe?(property: PropertySpec, onValue: (value: PropertyValue) => void): Promise<() => Promise<void>>;
}

/** A protocol's entry point: one per mapper binary (`kedge mapper <protocol>`). */
export interface DriverFactory {
  /** Matches Device.spec.protocol.protocolName and DeviceModel.spec.protocol (e.g. "modbus", "opcua", "virtual"). */
  protocol: string;
  create(device: DeviceSpec, log: Logger): Driver;
}
