// OPC UA protocol driver (issue 5): `kedge mapper opcua`. node-opcua loads lazily on first connect.
export { OpcuaDriver, opcuaFactory, createOpcuaFactory, type OpcuaDriverOptions } from './driver.js';
export { parseProtocolConfig, parseVisitorConfig } from './config.js';
export type { OpcuaProtocolConfig, OpcuaVisitorConfig } from './config.js';
