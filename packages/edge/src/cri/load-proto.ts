import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import { criProtoText } from './api-proto.js';

/** Decoding options the types in types.ts are written against. */
export const protoOptions: Options = {
  keepCase: false,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: true,
};

export interface CriServices {
  RuntimeService: ServiceClientConstructor;
  ImageService: ServiceClientConstructor;
}

/**
 * Parses the embedded proto. proto-loader only reads files, so the text goes through a private temp
 * file (removed at once); this keeps the proto inside the compiled .js with no asset to copy into dist.
 */
export function loadCriServices(): CriServices {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-cri-proto-'));
  try {
    const file = join(dir, 'api.proto');
    writeFileSync(file, criProtoText);
    const pkg = loadPackageDefinition(loadSync(file, protoOptions));
    const v1 = (pkg.runtime as GrpcObject).v1 as GrpcObject;
    return { RuntimeService: v1.RuntimeService as ServiceClientConstructor, ImageService: v1.ImageService as ServiceClientConstructor };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
