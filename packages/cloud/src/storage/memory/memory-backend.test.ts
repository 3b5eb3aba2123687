import { silentLogger } from '@kedge/core';
import { runBackendContract } from '../contract.js';
import { MemoryBackend } from './memory-backend.js';

runBackendContract('memory', async () => ({ backend: new MemoryBackend(silentLogger()), cleanup: async () => {} }));
