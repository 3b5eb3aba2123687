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

/** Parses the DMI proto once (through a private temp file: proto-loader only reads files). */
export function loadDmiServices(): DmiServices {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'kedge-dmi-proto-'));
  try {
    const file = join(dir, 'api.proto');
    writeFileSync(file, dmiProtoText);
    const pkg = loadPackageDefinition(loadSync(file, { ...dmiLoaderOptions, includeDirs: [dir] }));
    const v1beta1 = pkg.v1beta1 as GrpcObject;
    cached = {
      DeviceManagerService: v1beta1.DeviceManagerService as ServiceClientConstructor,
      DeviceMapperService: v1beta1.DeviceMapperService as ServiceClientConstructor,
    };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** grpc-js target for a unix socket path; accepts KubeEdge's `unix://` form too. */
export function unixTarget(path: string): string {
  const p = path.startsWith('unix://') ? path.slice('unix://'.length) : path.startsWith('unix:') ? path.slice('unix:'.length) : path;
  return `unix:${p}`;
}
