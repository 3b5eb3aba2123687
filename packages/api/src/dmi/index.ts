export * from './proto.js';
export * from './types.js';
export * from './any.js';
export * from './convert.js';
export * from './socket.js';
