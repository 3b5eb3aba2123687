import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { dmiLoaderOptions, dmiProtoText } from '@kedge/api/dmi/index.js';

export interface DmiServices {
  DeviceManagerService: ServiceClientConstructor;
  DeviceMapperService: ServiceClientConstructor;
}

let cached: DmiServices | undefined;

/** The DMI v1beta1 services, parsed once from @kedge/api's proto text (via a private temp file). */
export function dmiServices(): DmiServices {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'kedge-dmi-proto-'));
  try {
    writeFileSync(join(dir, 'api.proto'), dmiProtoText);
    const pkg = loadPackageDefinition(loadSync(join(dir, 'api.proto'), { ...dmiLoaderOptions, includeDirs: [dir] }));
    const v = pkg.v1beta1 as GrpcObject;
    cached = { DeviceManagerService: v.DeviceManagerService as ServiceClientConstructor, DeviceMapperService: v.DeviceMapperService as ServiceClientConstructor };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** grpc-js target for a unix socket; accepts `unix://` paths as KubeEdge configs write them. */
export const unixTarget = (path: string): string => `unix:${path.replace(/^unix:\/\//, '').replace(/^unix:/, '')}`;
