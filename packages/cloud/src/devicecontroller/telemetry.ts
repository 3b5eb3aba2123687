/** One `user`/`upload` message from an edge (an MQTT publish on `$hw/events/upload/#`, `SYS/dis/upload_records`, ...). */
export interface TelemetryRecord {
  /** The raw MQTT topic, as the edge put it in `route.resource`. */
  topic: string;
  content: unknown;
  /** Edge timestamp (header.timestamp, ms). */
  timestamp: number;
  receivedAt: number;
}

export interface NodeTelemetry {
  /** Messages received from this node since CloudCore started. */
  count: number;
  /** The last few, oldest first. */
  recent: TelemetryRecord[];
}

/**
 * Telemetry has no router yet (KubeEdge sends it to its router module): it is counted per node and the
 * last `keep` messages are kept in memory, so tests and the dashboard can see delivery and order.
 */
export class TelemetryLog {
  private readonly byNode = new Map<string, NodeTelemetry>();

  constructor(private readonly keep = 100) {}

  add(node: string, r: TelemetryRecord): void {
    let t = this.byNode.get(node);
    if (!t) this.byNode.set(node, (t = { count: 0, recent: [] }));
    t.count++;
    t.recent.push(r);
    if (t.recent.length > this.keep) t.recent.splice(0, t.recent.length - this.keep);
  }

  get(node: string): NodeTelemetry {
    const t = this.byNode.get(node);
    return t ? { count: t.count, recent: [...t.recent] } : { count: 0, recent: [] };
  }

  nodes(): string[] {
    return [...this.byNode.keys()];
  }
}
