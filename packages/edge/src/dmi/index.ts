export { createDmiServer, type DmiServer, type DmiServerOptions } from './dmi-server.js';
export { loadDmiServices } from './load-proto.js';
export { createMapperClient, type MapperClient } from './mapper-client.js';
export type { MapperRecord } from './mapper-store.js';
