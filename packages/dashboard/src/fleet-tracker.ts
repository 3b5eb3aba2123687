/** What the tracker needs from CloudHub (structurally `CloudHub` from @kedge/cloud, which this package may not import). */
export interface HubView {
  onConnection(handler: (node: string, event: 'connected' | 'disconnected') => void): void;
  sessions(): { node: string; connectedAt: number; queueDepth: number; inFlight: number }[];
}

/** One stretch of the connectivity timeline: [from, to) in ms since the epoch. */
export interface Segment { from: number; to: number; connected: boolean }

export interface FleetNode {
  node: string;
  connected: boolean;
  /** When the current session started (ms), absent while disconnected. */
  connectedAt?: number;
  queueDepth: number;
  inFlight: number;
  /** Since when the node has had messages waiting or unacknowledged (ms); absent when it has none. Sync lag = now - this. */
  pendingSince?: number;
  /** The last `windowMs`, oldest first; time before the tracker first saw the node is not covered. */
  history: Segment[];
}

export interface FleetTrackerOptions {
  /** Timeline length. Default 1 hour. */
  windowMs?: number;
  /** How often queue depth and in-flight counts are sampled while someone listens. Default 1000 ms. */
  sampleMs?: number;
  now?: () => number;
}

interface Track {
  /** Transitions, oldest first; the first may be older than the window (it gives the state at the window start). */
  changes: { at: number; connected: boolean }[];
  connectedAt?: number;
  queueDepth: number;
  inFlight: number;
  pendingSince?: number;
  /** Serialized last published state, to publish only what changed. */
  sent?: string;
}

export type FleetListener = (changed: FleetNode[]) => void;

/**
 * Per-node connection state and a one-hour connectivity history, kept in memory from CloudHub's
 * connection events (issue 6: the fleet view's timeline). Queue depth and in-flight counts have no
 * events, so they are sampled from `sessions()` while at least one listener is subscribed.
 */
export class FleetTracker {
  private readonly tracks = new Map<string, Track>();
  private readonly listeners = new Set<FleetListener>();
  private hub: HubView | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly windowMs: number;
  private readonly sampleMs: number;
  private readonly now: () => number;

  constructor(opts: FleetTrackerOptions = {}) {
    this.windowMs = opts.windowMs ?? 3_600_000;
    this.sampleMs = opts.sampleMs ?? 1_000;
    this.now = opts.now ?? Date.now;
  }

  /** Subscribes to `hub`; nodes already connected start their history at their session's connectedAt. */
  attach(hub: HubView): void {
    this.hub = hub;
    for (const s of hub.sessions()) this.record(s.node, 'connected', s.connectedAt);
    hub.onConnection((node, event) => {
      this.record(node, event, this.now());
      this.sample();
    });
  }

  get attached(): boolean { return this.hub !== undefined; }

  /** Notes a connection change at `at` (ms). Repeated events of the same kind (a reconnect racing a close) are merged. */
  record(node: string, event: 'connected' | 'disconnected', at: number): void {
    const t = this.track(node);
    const connected = event === 'connected';
    const last = t.changes[t.changes.length - 1];
    if (connected) t.connectedAt = at;
    else { delete t.connectedAt; t.queueDepth = 0; t.inFlight = 0; }
    if (last && last.connected === connected) return;
    t.changes.push({ at: Math.max(at, last?.at ?? at), connected });
    this.prune(t);
  }

  /** Reads queue depth/in-flight from the hub and publishes every node whose state changed. */
  sample(): void {
    const now = this.now();
    if (this.hub) {
      const live = new Set<string>();
      for (const s of this.hub.sessions()) {
        live.add(s.node);
        const t = this.track(s.node);
        if (!t.changes.length || !t.changes[t.changes.length - 1]!.connected) this.record(s.node, 'connected', s.connectedAt);
        t.connectedAt = s.connectedAt;
        t.queueDepth = s.queueDepth;
        t.inFlight = s.inFlight;
      }
      for (const [node, t] of this.tracks) if (!live.has(node) && t.changes[t.changes.length - 1]?.connected) this.record(node, 'disconnected', now);
    }
    for (const t of this.tracks.values()) {
      const pending = t.queueDepth + t.inFlight > 0;
      if (!pending) delete t.pendingSince;
      else t.pendingSince ??= now;
    }
    if (!this.listeners.size) return;
    const changed: FleetNode[] = [];
    for (const [node, t] of this.tracks) {
      const view = this.view(node, t, now);
      // The timeline's moving "now" end is not a change; only state and transitions are.
      const key = JSON.stringify([view.connected, view.connectedAt, view.queueDepth, view.inFlight, view.pendingSince, t.changes.length, t.changes[0]?.at]);
      if (key === t.sent) continue;
      t.sent = key;
      changed.push(view);
    }
    if (changed.length) for (const l of this.listeners) l(changed);
  }

  /** Every tracked node as of now. */
  snapshot(): FleetNode[] {
    const now = this.now();
    return [...this.tracks].map(([node, t]) => this.view(node, t, now));
  }

  /** The timeline of `node` clipped to [now - window, now]. */
  history(node: string, now = this.now()): Segment[] {
    const t = this.tracks.get(node);
    return t ? this.segments(t, now) : [];
  }

  /** Calls `fn` with changed nodes until the returned function is called; sampling runs while anyone listens. */
  subscribe(fn: FleetListener): () => void {
    this.listeners.add(fn);
    if (!this.timer) {
      this.timer = setInterval(() => this.sample(), this.sampleMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(fn);
      if (!this.listeners.size && this.timer) { clearInterval(this.timer); this.timer = undefined; }
    };
  }

  close(): void {
    this.listeners.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private track(node: string): Track {
    let t = this.tracks.get(node);
    if (!t) { t = { changes: [], queueDepth: 0, inFlight: 0 }; this.tracks.set(node, t); }
    return t;
  }

  /** Drops transitions before the window, keeping the one that gives the state at its start. */
  private prune(t: Track): void {
    const start = this.now() - this.windowMs;
    let i = 0;
    while (i + 1 < t.changes.length && t.changes[i + 1]!.at <= start) i++;
    if (i) t.changes.splice(0, i);
  }

  private segments(t: Track, now: number): Segment[] {
    this.prune(t);
    const start = now - this.windowMs;
    const out: Segment[] = [];
    t.changes.forEach((c, i) => {
      const to = t.changes[i + 1]?.at ?? now;
      const from = Math.max(c.at, start);
      if (to > from) out.push({ from, to, connected: c.connected });
    });
    return out;
  }

  private view(node: string, t: Track, now: number): FleetNode {
    const connected = t.changes[t.changes.length - 1]?.connected ?? false;
    const v: FleetNode = { node, connected, queueDepth: t.queueDepth, inFlight: t.inFlight, history: this.segments(t, now) };
    if (connected && t.connectedAt !== undefined) v.connectedAt = t.connectedAt;
    if (t.pendingSince !== undefined) v.pendingSince = t.pendingSince;
    return v;
  }
}
