import { Api, Store, followFleet, listWatch, type FleetFeed } from './api.js';
import type { Device, KEvent, Lease, Node, Pod } from './types.js';

export const DEVICES = '/apis/devices.kubeedge.io/v1beta1/devices';
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

  constructor(readonly api: Api) {
    const changed = () => { for (const l of this.listeners) l(); };
    this.nodes = new Store(changed);
    this.leases = new Store(changed);
    this.pods = new Store(changed);
    this.devices = new Store(changed);
    this.events = new Store(changed);
    const s = this.stop.signal;
    void listWatch(api, '/api/v1/nodes', this.nodes, s);
    void listWatch(api, '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', this.leases, s);
    void listWatch(api, '/api/v1/pods', this.pods, s);
    void listWatch(api, DEVICES, this.devices, s);
    void listWatch(api, '/api/v1/events', this.events, s);
    void followFleet(api, this.fleet, () => this.devices.changed(), s);
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
