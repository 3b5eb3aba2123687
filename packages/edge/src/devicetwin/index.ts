export * from './types.js';
export * from './device-twin.js';
export * from './topics.js';
export { TwinError } from './twin-rules.js';
export * from './edge-devices.js';
export { openTwinStore, type TwinRow, type DeviceRow, type TwinVersion } from './twin-store.js';
