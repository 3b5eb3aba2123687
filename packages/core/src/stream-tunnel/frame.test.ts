import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, decodeUvarint, encodeFrame, encodeUvarint, FrameType } from './frame.js';

test('uvarint round-trips across byte boundaries and matches the Go/protobuf encoding', () => {
  assert.deepEqual([...encodeUvarint(0)], [0]);
  assert.deepEqual([...encodeUvarint(127)], [0x7f]);
  assert.deepEqual([...encodeUvarint(128)], [0x80, 0x01]);
  assert.deepEqual([...encodeUvarint(300)], [0xac, 0x02]);
  for (const n of [0, 1, 127, 128, 16383, 16384, 2 ** 31, 2 ** 40 + 5]) assert.equal(decodeUvarint(encodeUvarint(n)).value, n);
  assert.throws(() => encodeUvarint(-1), RangeError);
  assert.throws(() => decodeUvarint(Buffer.from([0x80, 0x80])), /truncated/);
});

test('frames carry session id, type and payload; bad frames are refused', () => {
  const f = decodeFrame(encodeFrame(300, FrameType.Data, Buffer.from([1, 104, 105])));
  assert.equal(f.id, 300);
  assert.equal(f.type, FrameType.Data);
  assert.deepEqual([...f.payload], [1, 104, 105]);
  const open = decodeFrame(encodeFrame(1, FrameType.Open, JSON.stringify({ kind: 'logs' })));
  assert.deepEqual(JSON.parse(open.payload.toString()), { kind: 'logs' });
  assert.equal(decodeFrame(encodeFrame(7, FrameType.Close)).payload.length, 0);
  assert.throws(() => decodeFrame(Buffer.from([1])), /without a type/);
  assert.throws(() => decodeFrame(Buffer.from([1, 99])), /unknown frame type 99/);
});
