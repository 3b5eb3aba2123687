// Modbus TCP protocol driver (issue 5): `kedge mapper modbus`.
export { ModbusDriver, modbusFactory } from './driver.js';
export { parseProtocolConfig, parseVisitorConfig } from './config.js';
export type { ModbusProtocolConfig, ModbusVisitorConfig, ModbusDataType, RegisterKind } from './config.js';
