import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import type { Options } from '@grpc/proto-loader';
import { packageDefinitionFromText } from '@kedge/core/proto/index.js';
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

/** Parses the embedded proto (no asset to copy into dist, no temp file). */
export function loadCriServices(): CriServices {
  const pkg = loadPackageDefinition(packageDefinitionFromText(criProtoText, protoOptions));
  const v1 = (pkg.runtime as GrpcObject).v1 as GrpcObject;
  return { RuntimeService: v1.RuntimeService as ServiceClientConstructor, ImageService: v1.ImageService as ServiceClientConstructor };
}
