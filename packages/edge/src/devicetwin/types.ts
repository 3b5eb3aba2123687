import type { KubeObject } from '@kedge/api';

/**
 * What DeviceTwin offers the other edge device modules (issue 5): the DMI server (mappers registering
 * over gRPC) and the EventBus (MQTT clients) both turn what they receive into these calls, so a twin
 * report follows one path whichever way it arrived: SQLite first, then the cloud (or the spool).
 */

/** `{value, metadata}` of a twin property, as in DMI's and the Device CRD's TwinProperty. */
export interface TwinValue {
  value: string;
  metadata?: Record<string, string>;
}

/** One property's report from a mapper (DMI ReportDeviceStatus twins[]). */
export interface TwinReport {
  propertyName: string;
  reported?: TwinValue;
  /** The desired value the mapper last applied. */
  observedDesired?: TwinValue;
}

/** KubeEdge's result codes on `…/update/result`: 200 ok, 400 bad payload, 404 no device, 409 version conflict, 500. */
export interface TwinResult {
  code: 200 | 400 | 404 | 409 | 500;
  reason?: string;
}

export type DeviceChange = 'added' | 'updated' | 'removed';

export interface DeviceTwinApi {
  /** Device + its DeviceModel, as cached from the cloud; undefined when the device is not on this node. */
  getDevice(namespace: string, name: string): { device: KubeObject; model?: KubeObject } | undefined;
  /** Every device on this node whose protocol (Device.spec.protocol.protocolName) is `protocol`. */
  listDevices(protocol?: string): Array<{ device: KubeObject; model?: KubeObject }>;
  /**
   * Device added, changed (incl. a new desired value) or removed on this node. Fired after the change is in
   * SQLite. Returns an unsubscribe function.
   */
  onDeviceChange(cb: (change: DeviceChange, device: KubeObject, model?: KubeObject) => void): () => void;
  /** Reported values from a mapper: stored as the twin's actual value, then sent to the cloud (or spooled). */
  reportTwins(namespace: string, name: string, twins: TwinReport[]): TwinResult;
  /** Device state from a mapper (online|offline|ok|unknown|unhealthy). */
  reportState(namespace: string, name: string, state: string): TwinResult;
}
