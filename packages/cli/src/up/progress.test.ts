import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress, formatDuration } from './progress.js';

test('plain progress prints a start and an end line with the duration and detail', async () => {
  let out = '';
  let t = 0;
  const p = createProgress({ write: (s) => (out += s), tty: false, now: () => t });
  const v = await p.step('control plane', async () => {
    t = 1234;
    return 6443;
  }, (port) => `https://127.0.0.1:${port}`);
  assert.equal(v, 6443);
  assert.equal(out, '… control plane\n✔ control plane (1.2 s) — https://127.0.0.1:6443\n');
});

test('a failing step is marked and the error propagates', async () => {
  let out = '';
  const p = createProgress({ write: (s) => (out += s), tty: false, now: () => 0 });
  await assert.rejects(p.step('edge node', async () => {
    throw new Error('boom');
  }), /boom/);
  assert.match(out, /✖ edge node/);
});

test('tty progress redraws one line and ends it with a check mark', async () => {
  let out = '';
  const p = createProgress({ write: (s) => (out += s), tty: true, now: () => 0, frameMs: 0 });
  await p.step('dashboard', async () => undefined);
  assert.match(out, /^\r\x1b\[2K⠋ dashboard 0 ms\r\x1b\[2K✔ dashboard \(0 ms\)\n$/);
});

test('durations read naturally', () => {
  assert.equal(formatDuration(12.4), '12 ms');
  assert.equal(formatDuration(15_040), '15.0 s');
});
