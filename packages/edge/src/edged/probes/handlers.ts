import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { CriClient } from '../../cri/index.js';

/** A v1 Probe's handler and timing fields (the subset kubelet's prober reads). */
export interface ProbeSpec {
  exec?: { command?: string[] };
  httpGet?: { host?: string; scheme?: 'HTTP' | 'HTTPS'; path?: string; port: number | string; httpHeaders?: Array<{ name: string; value: string }> };
  tcpSocket?: { host?: string; port: number | string };
  grpc?: { port: number; service?: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

export interface ProbeTarget {
  cri: CriClient;
  containerId: string;
  /** The pod's IP (the node's for host-network pods): httpGet and tcpSocket's default host. */
  podIP: string;
  /** The container's ports, for named ports. */
  ports: Array<{ name?: string; containerPort: number }>;
}

export interface ProbeOutcome {
  ok: boolean;
  /** Why it failed (or the command's output), as kubelet puts it into the Unhealthy event. */
  output: string;
}

// The prober's own version in User-Agent, as kubelet sends "kube-probe/<major>.<minor>".
const USER_AGENT = 'kube-probe/1.32';
// kubelet reads at most 10 KiB of a probe's response body / exec output into the event.
const MAX_OUTPUT = 10 * 1024;

function resolvePort(port: number | string, t: ProbeTarget): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = t.ports.find((p) => p.name === port);
  if (!named) throw new Error(`couldn't find port "${port}" in the container's ports`);
  return named.containerPort;
}

async function execProbe(cmd: string[], timeoutS: number, t: ProbeTarget): Promise<ProbeOutcome> {
  try {
    const r = await t.cri.execSync({ containerId: t.containerId, cmd, timeout: timeoutS }, { timeoutMs: timeoutS * 1000 + 5000 });
    const output = Buffer.concat([r.stdout, r.stderr]).subarray(0, MAX_OUTPUT).toString('utf8');
    return { ok: r.exitCode === 0, output: r.exitCode === 0 ? output : output || `command ${JSON.stringify(cmd)} exited with ${r.exitCode}` };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { ok: false, output: /DEADLINE_EXCEEDED|timeout/i.test(msg) ? `command timed out: ${JSON.stringify(cmd)}` : msg };
  }
}

function httpProbe(spec: NonNullable<ProbeSpec['httpGet']>, timeoutS: number, t: ProbeTarget): Promise<ProbeOutcome> {
  const port = resolvePort(spec.port, t);
  const host = spec.host || t.podIP;
  const secure = spec.scheme === 'HTTPS';
  const path = spec.path ? (spec.path.startsWith('/') ? spec.path : `/${spec.path}`) : '/';
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, Accept: '*/*' };
  for (const h of spec.httpHeaders ?? []) headers[h.name] = h.value;
  const url = `${secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
  return new Promise((resolve) => {
    // HTTPS probes skip certificate checks, as kubelet's prober does (InsecureSkipVerify).
    const req = (secure ? https : http).get(url, { headers, timeout: timeoutS * 1000, ...(secure ? { rejectUnauthorized: false } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_OUTPUT) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        const body = Buffer.concat(chunks).subarray(0, MAX_OUTPUT).toString('utf8');
        // 2xx and 3xx are success (kubelet does not follow redirects to other hosts; a redirect counts as success).
        resolve(code >= 200 && code < 400 ? { ok: true, output: body } : { ok: false, output: `HTTP probe failed with statuscode: ${code}` });
      });
      res.on('error', (e) => resolve({ ok: false, output: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    req.on('error', (e) => resolve({ ok: false, output: e.message.startsWith('Get "') ? e.message : `Get "${url}": ${e.message}` }));
  });
}

function tcpProbe(spec: NonNullable<ProbeSpec['tcpSocket']>, timeoutS: number, t: ProbeTarget): Promise<ProbeOutcome> {
  const port = resolvePort(spec.port, t);
  const host = spec.host || t.podIP;
  return new Promise((resolve) => {
    const sock = net.connect({ host, port, timeout: timeoutS * 1000 });
    sock.once('connect', () => {
      sock.destroy();
      resolve({ ok: true, output: '' });
    });
    sock.once('timeout', () => {
      sock.destroy();
      resolve({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` });
    });
    sock.once('error', (e) => resolve({ ok: false, output: `dial tcp ${host}:${port}: ${e.message}` }));
  });
}

/** Runs one probe attempt. Never throws: every problem is a failed probe with a reason. */
export async function runProbe(p: ProbeSpec, t: ProbeTarget): Promise<ProbeOutcome> {
  const timeoutS = Math.max(1, p.timeoutSeconds ?? 1);
  try {
    if (p.exec) return await execProbe(p.exec.command ?? [], timeoutS, t);
    if (p.httpGet) return await httpProbe(p.httpGet, timeoutS, t);
    if (p.tcpSocket) return await tcpProbe(p.tcpSocket, timeoutS, t);
    return { ok: false, output: p.grpc ? 'grpc probes are not supported at the edge yet' : 'probe has no handler (exec, httpGet or tcpSocket)' };
  } catch (err) {
    return { ok: false, output: err instanceof Error ? err.message : String(err) };
  }
}
