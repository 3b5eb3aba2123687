import { Api, Store, followFleet, listWatch, type FleetFeed } from './api.js';
import type { Device, KEvent, KObj, Lease, Node, Pod } from './types.js';

export type Resource = 'nodes' | 'leases' | 'pods' | 'devices' | 'events';

const PATHS: Record<Resource, string> = {
  nodes: '/api/v1/nodes',
  leases: '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases',
  pods: '/api/v1/pods',
  devices: '/apis/devices.kubeedge.io/v1beta1/devices',
  events: '/api/v1/events',
};
export const devicePath = (ns: string, name: string) => `/apis/devices.kubeedge.io/v1beta1/namespaces/${encodeURIComponent(ns)}/devices/${encodeURIComponent(name)}`;

/** Everything the views read: one list+watch per resource and the fleet feed, shared by all views. */
export class State {
  readonly nodes: Store<Node>;
  readonly leases: Store<Lease>;
  readonly pods: Store<Pod>;
  readonly devices: Store<Device>;
  readonly events: Store<KEvent>;
  readonly fleet: FleetFeed = { cloudcore: false, nodes: new Map(), connected: false, skew: 0 };
  private readonly listeners = new Set<() => void>();
  private readonly stop = new AbortController();

  private readonly watches = new Map<Resource, AbortController>();

  constructor(readonly api: Api) {
    const changed = () => { for (const l of this.listeners) l(); };
    this.nodes = new Store(changed);
    this.leases = new Store(changed);
    this.pods = new Store(changed);
    this.devices = new Store(changed);
    this.events = new Store(changed);
    void followFleet(api, this.fleet, () => this.devices.changed(), this.stop.signal);
  }

  /**
   * Watches exactly `wanted` (each view names what it reads). Browsers allow six HTTP/1.1 connections
   * per origin and every watch holds one, so watching everything at once would leave none for the
   * writes the page makes.
   */
  use(wanted: Resource[]): void {
    for (const [r, c] of this.watches) if (!wanted.includes(r)) { c.abort(); this.watches.delete(r); }
    for (const r of wanted) {
      if (this.watches.has(r)) continue;
      const c = new AbortController();
      this.stop.signal.addEventListener('abort', () => c.abort(), { once: true });
      this.watches.set(r, c);
      void listWatch(this.api, PATHS[r], this[r] as Store<KObj>, c.signal);
    }
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  close(): void { this.stop.abort(); this.listeners.clear(); }

  /** Latest heartbeat of a node: its Lease renewTime or its Ready condition's lastHeartbeatTime, whichever is newer. */
  heartbeat(n: Node): number | undefined {
    const lease = this.leases.items.get(`kube-node-lease/${n.metadata.name}`)?.spec?.renewTime;
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime;
    const best = [lease, ready].map((x) => (x ? Date.parse(x) : NaN)).filter(Number.isFinite);
    return best.length ? Math.max(...best) : undefined;
  }

  podsByNode(): Map<string, Pod[]> {
    const m = new Map<string, Pod[]>();
    for (const p of this.pods.items.values()) {
      const n = p.spec?.nodeName;
      if (!n) continue;
      let l = m.get(n);
      if (!l) m.set(n, (l = []));
      l.push(p);
    }
    return m;
  }
}

export function readyStatus(n: Node): 'Ready' | 'NotReady' | 'Unknown' {
  const c = n.status?.conditions?.find((x) => x.type === 'Ready');
  return c?.status === 'True' ? 'Ready' : c?.status === 'False' ? 'NotReady' : 'Unknown';
}
