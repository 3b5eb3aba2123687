import type { KubeHttp } from './kube-http.js';

const time = (d = new Date()) => d.toISOString().replace(/\.\d+Z$/, 'Z');
const microTime = (d = new Date()) => d.toISOString().replace(/\.(\d+)Z$/, (_, ms: string) => `.${ms.padEnd(6, '0')}Z`);

export interface FakeKubeletOptions {
  nodeName: string;
  /** Pod sync period; heartbeats go out every `heartbeatMs`. */
  intervalMs?: number;
  heartbeatMs?: number;
}

/**
 * Plays the kubelet of a node registered through the API: marks pods bound to it Running/Ready,
 * finishes graceful deletions (grace 0) and keeps the node's Lease and Ready condition fresh.
 * Polling, not watching: it must keep working while the server under test is half-built.
 */
export class FakeKubelet {
  readonly errors: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastBeat = 0;
  private nextIp = 10;
  private readonly ips = new Map<string, string>();
  private running: Promise<void> | undefined;

  constructor(private readonly http: KubeHttp, private readonly opts: FakeKubeletOptions) {}

  start(): void {
    const tick = () => {
      this.running = this.sync().catch((err: Error) => this.note(`sync: ${err.message}`)).finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.opts.intervalMs ?? 250);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    const t = this.timer;
    this.timer = undefined;
    if (t) clearTimeout(t);
    await this.running;
  }

  private note(msg: string): void {
    this.errors.push(msg);
    if (this.errors.length > 50) this.errors.shift();
  }

  async heartbeat(): Promise<void> {
    const node = this.opts.nodeName;
    const now = new Date();
    const status = {
      status: {
        conditions: [
          { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'fake kubelet is posting ready status', lastHeartbeatTime: time(now), lastTransitionTime: time(now) },
        ],
        addresses: [{ type: 'InternalIP', address: '10.0.0.2' }, { type: 'Hostname', address: node }],
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
        allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
        nodeInfo: { kubeletVersion: 'v1.32.4-fake', architecture: 'amd64', operatingSystem: 'linux', containerRuntimeVersion: 'fake://1.0', kernelVersion: '', osImage: 'fake', kubeProxyVersion: '', machineID: '', systemUUID: '', bootID: '' },
      },
    };
    const r = await this.http.request('PATCH', `/api/v1/nodes/${node}/status`, status, 'application/merge-patch+json');
    if (r.status !== 200) this.note(`node status: ${r.status} ${r.text}`);
    const leasePath = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}`;
    const spec = { holderIdentity: node, leaseDurationSeconds: 40, renewTime: microTime(now) };
    const l = await this.http.request('PATCH', leasePath, { spec }, 'application/merge-patch+json');
    if (l.status === 404) {
      const c = await this.http.request('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: node }, spec });
      if (c.status !== 201) this.note(`lease create: ${c.status} ${c.text}`);
    } else if (l.status !== 200) {
      this.note(`lease renew: ${l.status} ${l.text}`);
    }
  }

  async sync(): Promise<void> {
    if (Date.now() - this.lastBeat >= (this.opts.heartbeatMs ?? 5_000)) {
      this.lastBeat = Date.now();
      await this.heartbeat();
    }
    const sel = encodeURIComponent(`spec.nodeName=${this.opts.nodeName}`);
    const list = await this.http.get(`/api/v1/pods?fieldSelector=${sel}`);
    if (list.status !== 200) { this.note(`list pods: ${list.status} ${list.text}`); return; }
    for (const pod of list.json.items as any[]) {
      const path = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;
      if (pod.metadata.deletionTimestamp) {
        const d = await this.http.request('DELETE', path, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
        if (d.status !== 200 && d.status !== 404) this.note(`finish delete ${pod.metadata.name}: ${d.status} ${d.text}`);
        continue;
      }
      const ready = (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
      if (pod.status?.phase === 'Running' && ready) continue;
      const r = await this.http.request('PATCH', `${path}/status`, this.runningStatus(pod), 'application/merge-patch+json');
      if (r.status !== 200 && r.status !== 404) this.note(`pod status ${pod.metadata.name}: ${r.status} ${r.text}`);
    }
  }

  private runningStatus(pod: any): unknown {
    const now = time();
    const uid = pod.metadata.uid as string;
    let ip = this.ips.get(uid);
    if (!ip) { ip = `10.244.0.${this.nextIp++ % 250}`; this.ips.set(uid, ip); }
    const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
    return {
      status: {
        phase: 'Running',
        hostIP: '10.0.0.2',
        podIP: ip,
        podIPs: [{ ip }],
        startTime: now,
        conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
        containerStatuses: (pod.spec.containers as any[]).map((c) => ({
          name: c.name, image: c.image, imageID: `fake://${c.image}`, containerID: `fake://${uid}/${c.name}`,
          ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } },
        })),
      },
    };
  }
}
