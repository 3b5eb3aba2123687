export * from './meta-server.js';
export * from './listen.js';
export { SERVED as META_SERVER_RESOURCES } from './discovery.js';
