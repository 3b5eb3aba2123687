import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { packageDefinitionFromText } from '@kedge/core/proto/index.js';
import { dmiLoaderOptions, dmiProtoText } from '@kedge/api/dmi/index.js';

export interface DmiServices {
  DeviceManagerService: ServiceClientConstructor;
  DeviceMapperService: ServiceClientConstructor;
}

let cached: DmiServices | undefined;

/** The DMI v1beta1 services, parsed once from @kedge/api's proto text (no file on disk). */
export function dmiServices(): DmiServices {
  if (cached) return cached;
  const pkg = loadPackageDefinition(packageDefinitionFromText(dmiProtoText, dmiLoaderOptions));
  const v = pkg.v1beta1 as GrpcObject;
  cached = { DeviceManagerService: v.DeviceManagerService as ServiceClientConstructor, DeviceMapperService: v.DeviceMapperService as ServiceClientConstructor };
  return cached;
}
