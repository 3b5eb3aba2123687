import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '@kedge/core';
import { runBackendContract } from '../contract.js';
import { SqliteBackend } from './sqlite-backend.js';

runBackendContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-sqlite-'));
  const file = path.join(dir, 'state.db');
  return {
    backend: new SqliteBackend({ path: file }, silentLogger()),
    reopen: async () => new SqliteBackend({ path: file }, silentLogger()),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

// A tiny ring forces replays through SQL instead of memory.
runBackendContract('sqlite (ring of 2)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-sqlite-'));
  const file = path.join(dir, 'state.db');
  return {
    backend: new SqliteBackend({ path: file, eventRingSize: 2, compactBatch: 3 }, silentLogger()),
    reopen: async () => new SqliteBackend({ path: file, eventRingSize: 2, compactBatch: 3 }, silentLogger()),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});
