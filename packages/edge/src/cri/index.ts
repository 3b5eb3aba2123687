// CRI v1 client (runtime.v1 RuntimeService + ImageService over gRPC on a unix socket), issue 4.
export * from './types.js';
export { criProtoText } from './api-proto.js';
export { loadCriServices, type CriServices } from './load-proto.js';
export { createCriClient, type CriClient, type CriClientOptions, type CallOptions } from './cri-client.js';
export { CriError, isCriError, isNotFound, isUnavailable } from './errors.js';
