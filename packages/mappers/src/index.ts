// The mapper SDK and the protocol mappers shipped with kedge (issue 5).
import type { DriverFactory } from './sdk/driver.js';
import { virtualFactory } from './virtual/index.js';
import { modbusFactory } from './modbus/index.js';
import { opcuaFactory } from './opcua/index.js';

export * from './sdk/index.js';
export { virtualFactory } from './virtual/index.js';

/**
 * `kedge mapper <protocol>`: protocol name → driver factory. Add a protocol with one line here
 * (its factory's `protocol` must equal the key).
 */
export const mapperProtocols: Record<string, DriverFactory> = {
  [virtualFactory.protocol]: virtualFactory,
  [modbusFactory.protocol]: modbusFactory,
  [opcuaFactory.protocol]: opcuaFactory,
};
