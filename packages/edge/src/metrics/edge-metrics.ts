import { Counter, Gauge, type Registry } from '@kedge/core';
import type { EdgeHubStats } from '../edgehub/edgehub.js';

/** Where the edge's numbers come from; each is read when Prometheus scrapes, so modules only keep counters. */
export interface EdgeMetricSources {
  hub: () => EdgeHubStats;
  /** Store-and-forward spool (issue 5). */
  spool?: () => { buffered: number; bufferedBytes: number; dropped: number };
  /** Twin updates DeviceTwin accepted (from mappers, MQTT and the cloud). */
  twinUpdates?: () => number;
  /** Containers Edged started (first starts and restarts), and pods running now. */
  pods?: () => { containerStarts: number; running: number };
}

/** The edge's metrics (issue 6), served on `metrics.bind:port` (default 127.0.0.1:10351). */
export function registerEdgeMetrics(registry: Registry, s: EdgeMetricSources): void {
  const registers = [registry];
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({ name, help, registers, collect() { this.reset(); this.inc(read()); } });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({ name, help, registers, collect() { this.set(read()); } });

  gauge('kedge_edgehub_connected', '1 while the link to CloudHub is up.', () => (s.hub().connects > s.hub().disconnects ? 1 : 0));
  counter('kedge_edgehub_connections_total', 'Successful (re)connects to CloudHub.', () => s.hub().connects);
  counter('kedge_edgehub_reconnects_total', 'Connects after the first one (link drops survived).', () => Math.max(0, s.hub().connects - 1));
  counter('kedge_edgehub_dial_failures_total', 'Failed dials to CloudHub.', () => s.hub().dialFailures);
  counter('kedge_edgehub_sent_messages_total', 'Messages sent to the cloud.', () => s.hub().sent);
  counter('kedge_edgehub_received_messages_total', 'Messages received from the cloud.', () => s.hub().received);
  counter('kedge_edgehub_dropped_messages_total', 'Upstream messages dropped because the send queue was full.', () => s.hub().dropped);
  gauge('kedge_edgehub_queue_depth', 'Upstream messages waiting to be sent.', () => s.hub().queued);
  if (s.spool) {
    const spool = s.spool;
    gauge('kedge_spool_bytes', 'Bytes of device reports and telemetry held while the cloud is unreachable.', () => spool().bufferedBytes);
    gauge('kedge_spool_messages', 'Messages held in the spool.', () => spool().buffered);
    counter('kedge_spool_dropped_total', 'Messages the spool dropped by policy when its byte budget was full.', () => spool().dropped);
  }
  if (s.twinUpdates) counter('kedge_twin_updates_total', 'Twin updates accepted by DeviceTwin.', s.twinUpdates);
  if (s.pods) {
    const pods = s.pods;
    counter('kedge_container_starts_total', 'Containers Edged started (first starts and restarts).', () => pods().containerStarts);
    gauge('kedge_pods_running', 'Pods with every container running.', () => pods().running);
  }
}
