import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetricsRegistry } from '@kedge/core';
import { registerEdgeMetrics } from './edge-metrics.js';

test('edge metrics read their sources at scrape time', async () => {
  const registry = createMetricsRegistry('kedge_edge');
  let connects = 1;
  const hub = () => ({ connects, disconnects: connects - 1, dialFailures: 2, sent: 10, received: 7, invalidFrames: 0, dropped: 0, queued: 3, pendingRequests: 0 });
  registerEdgeMetrics(registry, {
    hub,
    spool: () => ({ buffered: 4, bufferedBytes: 512, dropped: 2 }),
    twinUpdates: () => 42,
    pods: () => ({ containerStarts: 5, running: 2 }),
  });
  let text = await registry.metrics();
  assert.match(text, /kedge_edgehub_connected 1/);
  assert.match(text, /kedge_edgehub_reconnects_total 0/);
  assert.match(text, /kedge_spool_bytes 512/);
  assert.match(text, /kedge_spool_dropped_total 2/);
  assert.match(text, /kedge_twin_updates_total 42/);
  assert.match(text, /kedge_container_starts_total 5/);
  connects = 3;
  text = await registry.metrics();
  assert.match(text, /kedge_edgehub_reconnects_total 2/);
  assert.match(text, /kedge_edge_process_resident_memory_bytes/);
});
