import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { packageDefinitionFromText } from '@kedge/core/proto/index.js';
import { dmiLoaderOptions, dmiProtoText } from '@kedge/api/dmi/index.js';

export interface DmiServices {
  DeviceManagerService: ServiceClientConstructor;
  DeviceMapperService: ServiceClientConstructor;
}

let cached: DmiServices | undefined;

/** Parses the DMI proto once (from the text in @kedge/api; no file on disk). */
export function loadDmiServices(): DmiServices {
  if (cached) return cached;
  const pkg = loadPackageDefinition(packageDefinitionFromText(dmiProtoText, dmiLoaderOptions));
  const v1beta1 = pkg.v1beta1 as GrpcObject;
  cached = {
    DeviceManagerService: v1beta1.DeviceManagerService as ServiceClientConstructor,
    DeviceMapperService: v1beta1.DeviceMapperService as ServiceClientConstructor,
  };
  return cached;
}
