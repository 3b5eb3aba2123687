export type * from './driver.js';
export { runMapper, type RunMapperOptions } from './run-mapper.js';
export { loadMapperConfig, MapperConfigError, type MapperConfig, type MapperConfigOverrides } from './config.js';
export { toDeviceSettings, type DeviceSettings } from './device-spec.js';
export { dmiServices, unixTarget } from './dmi-proto.js';
export { DeviceRunner, type Backoff, type Reading, type Reporter } from './device-runner.js';
