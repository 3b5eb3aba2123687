import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Counter, Gauge, Histogram, type Registry } from '@kedge/core';
import type { CloudHub } from '../cloudhub/types.js';
import { requestInfo } from './request-info.js';

export interface CloudMetrics {
  /** Call at the start of every API request; records duration, verb, resource and code when it ends. */
  observeRequest(req: IncomingMessage, res: ServerResponse): void;
  /** Upgraded requests (exec, WebSocket watches): counted as long-running until the socket closes. */
  observeUpgrade(req: IncomingMessage, socket: Duplex): void;
  /** Connected nodes, queue depth and the hub's counters are read from `hub` at scrape time. */
  watchHub(hub: CloudHub): void;
}

/** The cloud's metrics (issue 6), named after kube-apiserver's where one exists. */
export function createCloudMetrics(registry: Registry): CloudMetrics {
  const registers = [registry];
  const duration = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'API request latency by verb and resource (watches and streams until they end are excluded).',
    labelNames: ['verb', 'resource', 'subresource', 'code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const total = new Counter({ name: 'apiserver_request_total', help: 'API requests by verb, resource and HTTP code.', labelNames: ['verb', 'resource', 'subresource', 'code'], registers });
  const watches = new Gauge({ name: 'apiserver_longrunning_requests', help: 'Open watches and streams (logs -f, exec) by verb and resource.', labelNames: ['verb', 'resource'], registers });

  let hub: CloudHub | undefined;
  const sessions = () => hub?.sessions() ?? [];
  const stats = () => hub?.stats?.() ?? { connects: 0, disconnects: 0, acks: 0, resends: 0, upstream: 0 };
  new Gauge({ name: 'kedge_cloudhub_connected_nodes', help: 'Edge nodes connected to CloudHub now.', registers, collect() { this.set(sessions().length); } });
  new Gauge({ name: 'kedge_cloudhub_queue_depth', help: 'Messages waiting for connected edge nodes (all nodes).', registers, collect() { this.set(sessions().reduce((n, s) => n + s.queueDepth, 0)); } });
  new Gauge({ name: 'kedge_cloudhub_inflight_messages', help: 'Ack-required messages sent and not yet acknowledged.', registers, collect() { this.set(sessions().reduce((n, s) => n + s.inFlight, 0)); } });
  const counter = (name: string, help: string, key: keyof ReturnType<typeof stats>) =>
    new Counter({ name, help, registers, collect() { this.reset(); this.inc(stats()[key]); } });
  counter('kedge_cloudhub_connections_total', 'Edge connections accepted (first connects and reconnects).', 'connects');
  counter('kedge_cloudhub_disconnections_total', 'Edge connections that ended.', 'disconnects');
  counter('kedge_cloudhub_acks_total', 'Messages the edges acknowledged.', 'acks');
  counter('kedge_cloudhub_resends_total', 'Messages written again after an ACK timeout.', 'resends');
  counter('kedge_cloudhub_upstream_messages_total', 'Messages received from edge nodes.', 'upstream');

  return {
    observeRequest(req, res) {
      const start = process.hrtime.bigint();
      const info = requestInfo(req.method ?? 'GET', req.url ?? '/');
      const long = info.verb === 'WATCH' || info.verb === 'CONNECT';
      if (long) watches.inc({ verb: info.verb, resource: info.resource });
      let done = false;
      const end = () => {
        if (done) return;
        done = true;
        const labels = { verb: info.verb, resource: info.resource, subresource: info.subresource, code: String(res.statusCode) };
        total.inc(labels);
        if (long) watches.dec({ verb: info.verb, resource: info.resource });
        else duration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
      };
      res.once('finish', end);
      res.once('close', end);
    },
    observeUpgrade(req, socket) {
      const info = requestInfo(req.method ?? 'GET', req.url ?? '/');
      const verb = info.verb === 'WATCH' ? 'WATCH' : 'CONNECT';
      watches.inc({ verb, resource: info.resource });
      total.inc({ verb, resource: info.resource, subresource: info.subresource, code: '101' });
      socket.once('close', () => watches.dec({ verb, resource: info.resource }));
    },
    watchHub(h) {
      hub = h;
    },
  };
}
