export type * from './driver.js';
export { runMapper, type RunMapperOptions } from './run-mapper.js';
export { loadMapperConfig, MapperConfigError, type MapperConfig, type MapperConfigOverrides } from './config.js';
export { toDeviceSettings, type DeviceSettings } from './device-spec.js';
export { dmiServices } from './dmi-proto.js';
export { unixTarget } from '@kedge/api/dmi/index.js';
export { DeviceRunner, type Backoff, type Reading, type Reporter } from './device-runner.js';
