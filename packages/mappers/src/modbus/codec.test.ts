import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBits, decodeRegisters, encodeRegisters, swapBytes, swapRegisters } from './codec.js';
import { parseVisitorConfig } from './config.js';
import { modbusProperty } from './testing/props.js';

const visitor = (type: Parameters<typeof modbusProperty>[1], data: Record<string, unknown>) =>
  parseVisitorConfig(modbusProperty('p', type, { register: 'HoldingRegister', ...data }));

test('swapRegisters reverses register order and swapBytes swaps inside each register', () => {
  assert.deepEqual([...swapRegisters(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]))], [7, 8, 5, 6, 3, 4, 1, 2]);
  assert.deepEqual([...swapBytes(Buffer.from([1, 2, 3, 4]))], [2, 1, 4, 3]);
});

test('KubeEdge int is unsigned of the read width; int16 is signed; INT truncates after scale', () => {
  assert.equal(decodeRegisters([0xfffb], visitor('INT', { limit: 1 }), 'INT'), 65531);
  assert.equal(decodeRegisters([0xfffb], visitor('INT', { dataType: 'int16' }), 'INT'), -5);
  assert.equal(decodeRegisters([215], visitor('INT', { scale: 0.1 }), 'INT'), 21);
  assert.equal(decodeRegisters([215], visitor('FLOAT', { dataType: 'uint16', scale: 0.1 }), 'FLOAT'), 215 * 0.1);
  assert.equal(decodeRegisters([0x0001, 0x0002], visitor('INT', { limit: 2 }), 'INT'), 0x00010002);
});

test('float32 with word swap, and with byte swap, decode to the value written by the encoder', () => {
  for (const swaps of [{}, { isRegisterSwap: true }, { isSwap: true }, { isSwap: true, isRegisterSwap: true }]) {
    const v = visitor('FLOAT', { dataType: 'float32', limit: 2, ...swaps });
    const words = encodeRegisters('p', '21.5', v);
    assert.equal(decodeRegisters(words, v, 'FLOAT'), 21.5);
  }
  const plain = Buffer.alloc(4);
  plain.writeFloatBE(21.5);
  const v = visitor('FLOAT', { dataType: 'float32', limit: 2, isRegisterSwap: true });
  assert.deepEqual(encodeRegisters('p', '21.5', v), [plain.readUInt16BE(2), plain.readUInt16BE(0)]);
});

test('encode applies scale backwards and rejects out-of-range or non-numeric values', () => {
  const v = visitor('INT', { dataType: 'uint16', scale: 0.1 });
  assert.deepEqual(encodeRegisters('p', '21.5', v), [215]);
  assert.throws(() => encodeRegisters('p', '7000', v), /out of range for uint16/);
  assert.throws(() => encodeRegisters('p', 'hot', v), /property p: desired value "hot" is not a number/);
  assert.deepEqual(encodeRegisters('p', '-2', visitor('INT', { dataType: 'int16' })), [0xfffe]);
});

test('strings use limit registers and drop trailing NULs; bits decode as booleans or numbers', () => {
  const v = visitor('STRING', { limit: 3 });
  const words = encodeRegisters('p', 'abcd', v);
  assert.equal(words.length, 3);
  assert.equal(decodeRegisters(words, v, 'STRING'), 'abcd');
  assert.throws(() => encodeRegisters('p', 'abcdefg', v), /limit 3 holds 6/);
  const coil = parseVisitorConfig(modbusProperty('c', 'INT', { register: 'CoilRegister', limit: 3 }));
  assert.equal(decodeBits([true, false, true, false], coil, 'INT'), 5);
  assert.equal(decodeBits([true], parseVisitorConfig(modbusProperty('c', 'BOOLEAN', { register: 'CoilRegister' })), 'BOOLEAN'), true);
});

test('visitor config errors name the field', () => {
  assert.throws(() => visitor('INT', { register: 'Holding' }), /properties\[p\]\.visitors\.configData\.register: must be one of/);
  assert.throws(() => visitor('FLOAT', { dataType: 'float32', limit: 1 }), /configData\.limit: dataType float32 needs limit 2/);
  assert.throws(() => visitor('INT', { dataType: 'int128' }), /configData\.dataType: must be one of/);
  assert.throws(() => visitor('INT', { offset: -1 }), /configData\.offset: must be >= 0/);
  assert.throws(() => visitor('INT', { isSwap: 'yes' }), /configData\.isSwap: must be true or false/);
  assert.throws(() => visitor('STRING', {}), /configData\.limit: is required for dataType string/);
});
