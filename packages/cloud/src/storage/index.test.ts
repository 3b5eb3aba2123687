import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '@kedge/core';
import { createBackend, MemoryBackend, SqliteBackend } from './index.js';

test('createBackend builds the configured backend', async () => {
  assert.ok(createBackend({ type: 'memory' }, silentLogger()) instanceof MemoryBackend);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-storage-'));
  try {
    const b = createBackend({ type: 'sqlite', path: path.join(dir, 'data', 'state.db') }, silentLogger());
    assert.ok(b instanceof SqliteBackend);
    await b.open();
    assert.equal(await b.create('/registry/x', '{}'), 1);
    await b.close();
    assert.ok(fs.existsSync(path.join(dir, 'data', 'state.db')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
