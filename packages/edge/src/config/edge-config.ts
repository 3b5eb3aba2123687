import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { mergeLayers, parseConfig, readYamlConfig } from '@kedge/core';
import { z } from 'zod';

/** Log levels pino knows, most to least severe; `silent` turns logging off. */
export const edgeLogLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Root keeps state where a packaged service would; anyone else gets a directory next to them. */
export const defaultEdgeDataDir = (): string => (process.getuid?.() === 0 ? '/var/lib/kedge/edge' : './edge-data');

const nodeSchema = z.object({
  /** Node name in the cloud; also the certificate's `CN=system:node:<name>`. Default: the host name, lowercased. */
  name: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a lowercase DNS-1123 subdomain').default(() => hostname().toLowerCase()),
  /** Extra labels on the Node, next to the edge role, hostname, os and arch labels. Default none. */
  labels: z.record(z.string(), z.string()).default({}),
  /** Namespace in the registration resource strings (KubeEdge's registerNodeNamespace). Default "default". */
  registerNamespace: z.string().min(1).default('default'),
}).strict();

const tlsSchema = z.object({
  /** The cloud's CA. Default <dataDir>/certs/ca.crt. */
  caFile: z.string().default(''),
  /** This node's certificate. Default <dataDir>/certs/edge.crt. */
  certFile: z.string().default(''),
  /** This node's private key. Default <dataDir>/certs/edge.key. */
  keyFile: z.string().default(''),
}).strict();

const edgeHubSchema = z.object({
  /** CloudHub address, host:port. Default 127.0.0.1:10000. */
  server: z.string().regex(/^[^\s/]+:\d+$/, 'want host:port').default('127.0.0.1:10000'),
  /** Certificate server for joining and rotation. Default https://<server host>:10002. */
  certServer: z.string().default(''),
  /** KubeEdge projectID, sent in the URL and `project_id` header. */
  projectId: z.string().min(1).default('e632aba927ea4ac2b575ec1603d56f10'),
  /** Keepalive period in seconds (KubeEdge edgeHub.heartbeat). Default 15. */
  heartbeatSeconds: z.number().int().positive().default(15),
  /** Upstream messages per second (messageQPS). Default 30. */
  qps: z.number().positive().default(30),
  /** Upstream burst (messageBurst). Default 60. */
  burst: z.number().int().positive().default(60),
  /** Renew the node certificate before it expires. Default true. */
  rotateCertificates: z.boolean().default(true),
  tls: tlsSchema.prefault({}),
}).strict();

const metaManagerSchema = z.object({
  /** SQLite cache. Default <dataDir>/edge.db. */
  db: z.string().default(''),
  /** Seconds a remote query waits for the cloud before answering from the cache. Default 60. */
  remoteQueryTimeoutSeconds: z.number().int().positive().default(60),
}).strict();

const metaServerSchema = z.object({
  /** Serve the local read-only Kubernetes API. Default true. */
  enable: z.boolean().default(true),
  /** Listen address; keep it on loopback, it has no authentication. Default 127.0.0.1. */
  bind: z.string().min(1).default('127.0.0.1'),
  /** Port; 0 picks a free one. Default 10550. */
  port: z.number().int().min(0).max(65535).default(10550),
}).strict();

const nodeStatusSchema = z.object({
  /** Seconds between node status reports (nodeStatusUpdateFrequency). Default 10. */
  updateSeconds: z.number().int().positive().default(10),
  /** Seconds between Lease renewals. Default 10. */
  leaseSeconds: z.number().int().positive().default(10),
  /** leaseDurationSeconds written into the Lease (nodeLeaseDurationSeconds). Default 40. */
  leaseDurationSeconds: z.number().int().positive().default(40),
}).strict();

const edgedSchema = z.object({
  /** Run pods on a container runtime. Default true; false leaves pods Pending with reason NoContainerRuntime. */
  enable: z.boolean().default(true),
  /**
   * CRI endpoint (`unix:///path`). Default empty: the system containerd at
   * unix:///run/containerd/containerd.sock when it answers, else a private containerd (see privateContainerd).
   */
  runtimeEndpoint: z.string().default(''),
  /** Start a private containerd under <dataDir>/containerd when no runtime answers and the binary is installed. Default true. */
  privateContainerd: z.boolean().default(true),
  /** Pod volumes and state (kubelet's root dir). Default <dataDir>/edged. */
  rootDir: z.string().default(''),
  /** Container logs, kubelet's /var/log/pods layout. Default <dataDir>/pod-logs. */
  podLogDir: z.string().default(''),
  /** Sandbox (pause) image; must be present locally or pullable. Default kedge.local/pause:3.9 (built from busybox-static). */
  sandboxImage: z.string().min(1).default('kedge.local/pause:3.9'),
  /** Static pod manifests directory (KubeEdge staticPodPath). Default <dataDir>/manifests. */
  staticPodPath: z.string().default(''),
  /** Seconds between full reconciles of desired pods vs the runtime. Default 10. */
  syncSeconds: z.number().positive().default(10),
  /** Seconds between rescans of staticPodPath (changes are also picked up through fs.watch). Default 20. */
  staticPodCheckSeconds: z.number().positive().default(20),
  /** Build and import kedge.local/busybox:1.35 (from busybox-static) when it is missing, for demos and tests. Default true. */
  localBusybox: z.boolean().default(true),
  /**
   * Stop and remove every pod when EdgeCore stops, instead of leaving them running for the next start to adopt.
   * `kedge up` sets it so Ctrl-C leaves no process; a resumed cluster recreates the pods from the cache. Default false.
   */
  stopPodsOnExit: z.boolean().default(false),
}).strict();

const edgeStreamSchema = z.object({
  /** Dial the cloud's stream tunnel so `kubectl logs/exec` reach this node's pods. Default true. */
  enable: z.boolean().default(true),
  /** Tunnel address, host:port. Default <edgeHub.server host>:10004 (KubeEdge's tunnel port). */
  server: z.string().default(''),
}).strict();

const eventBusSchema = z.object({
  /** internal: embedded MQTT broker; external: a broker at externalUrl; both. Default internal. */
  mode: z.enum(['internal', 'external', 'both']).default('internal'),
  /** Embedded broker listen address. Default 127.0.0.1. */
  bind: z.string().min(1).default('127.0.0.1'),
  /** Embedded broker port; 0 picks a free one. Default 1883. */
  port: z.number().int().min(0).max(65535).default(1883),
  /** External broker URL. Default mqtt://127.0.0.1:1883. */
  externalUrl: z.string().default('mqtt://127.0.0.1:1883'),
  /** Username local clients must present (and EdgeCore uses with an external broker). Default empty: no authentication. */
  username: z.string().default(''),
  /** Password for username. Default empty. */
  password: z.string().default(''),
}).strict();

const deviceTwinSchema = z.object({
  /** Run DeviceTwin, the EventBus and the DMI server. Default true. */
  enable: z.boolean().default(true),
  /** DMI gRPC socket mappers register on. Default <dataDir>/dmi.sock. */
  dmiSocket: z.string().default(''),
  /** Disk budget for twin reports and telemetry kept while the cloud is unreachable, in bytes. Default 64 MiB. */
  spoolBytes: z.number().int().positive().default(64 * 1024 * 1024),
  /** What goes when the budget is full, unless a device says otherwise. Default drop-oldest. */
  spoolPolicy: z.enum(['drop-oldest', 'drop-newest']).default('drop-oldest'),
  /**
   * Mapper reports (ReportDeviceStatus + ReportDeviceStates) the DMI server accepts per second; more get
   * RESOURCE_EXHAUSTED and are counted, and the SDK resends the latest value next cycle. KubeEdge uses 1/s,
   * which throttles anything beyond a handful of devices; kedge deliberately allows 1,000 devices reporting
   * every second with 2x headroom. Default 2000.
   */
  dmiReportQps: z.number().positive().default(2000),
  /** Reports the DMI server accepts at once above dmiReportQps (KubeEdge: 100). Default 4000. */
  dmiReportBurst: z.number().int().positive().default(4000),
}).strict();

const metricsSchema = z.object({
  /** Serve Prometheus /metrics. Default true. */
  enable: z.boolean().default(true),
  /** Listen address. Default 127.0.0.1. */
  bind: z.string().min(1).default('127.0.0.1'),
  /** Port; 0 picks a free one. Default 10351. */
  port: z.number().int().min(0).max(65535).default(10351),
}).strict();

const logSchema = z.object({
  /** Minimum level written to stderr. Default info. */
  level: z.enum(edgeLogLevels).default('info'),
  /** Human-readable lines instead of JSON. Default false. */
  pretty: z.boolean().default(false),
}).strict();

/** The edge config (`edge.yaml`): one section per module. */
export const edgeConfigSchema = z.object({
  node: nodeSchema.prefault({}),
  /** Certificates, cache and state. Default /var/lib/kedge/edge as root, else ./edge-data. */
  dataDir: z.string().min(1).default(defaultEdgeDataDir),
  edgeHub: edgeHubSchema.prefault({}),
  metaManager: metaManagerSchema.prefault({}),
  metaServer: metaServerSchema.prefault({}),
  nodeStatus: nodeStatusSchema.prefault({}),
  edged: edgedSchema.prefault({}),
  edgeStream: edgeStreamSchema.prefault({}),
  eventBus: eventBusSchema.prefault({}),
  deviceTwin: deviceTwinSchema.prefault({}),
  metrics: metricsSchema.prefault({}),
  log: logSchema.prefault({}),
}).strict();

export type EdgeConfig = z.infer<typeof edgeConfigSchema>;

type Overrides<T> = { [K in keyof T]?: T[K] extends Record<string, unknown> ? Overrides<T[K]> : T[K] };
/** What flags may override: any subset of the config; undefined values are ignored. */
export type EdgeConfigOverrides = Overrides<EdgeConfig>;

/** A config problem the operator must fix; the CLI prints the message alone and exits 2. */
export class EdgeConfigError extends Error {
  readonly isUserError = true;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const edgeConfigError = (message: string): Error => new EdgeConfigError(message);
// Label maps from flags replace the file's labels instead of merging into them.
const ATOMIC_KEYS: ReadonlySet<string> = new Set(['labels']);

/** The host part of `host:port`, brackets kept for IPv6. */
const hostOf = (server: string): string => server.slice(0, server.lastIndexOf(':'));

/**
 * Defaults < YAML file < flags. Paths come back absolute (relative ones resolve against `cwd`),
 * the dataDir-derived defaults are filled in, and a bad field is `config: <path>: <problem>`.
 */
export function loadEdgeConfig(file: string | undefined, flags: EdgeConfigOverrides = {}, cwd: string = process.cwd()): EdgeConfig {
  const fromFile = file ? readYamlConfig(file, edgeConfigError) : {};
  const merged = mergeLayers(fromFile, flags as Record<string, unknown>, ATOMIC_KEYS);
  const cfg = parseConfig(edgeConfigSchema, merged, edgeConfigError);
  // Relative paths in a file are relative to the file, so `kedge edge --config` works from anywhere.
  const base = file ? dirname(resolve(cwd, file)) : cwd;
  cfg.dataDir = resolve(flags.dataDir === undefined && fromFile.dataDir !== undefined ? base : cwd, cfg.dataDir);
  const at = (p: string, dflt: string) => (p ? resolve(base, p) : dflt);
  const certs = join(cfg.dataDir, 'certs');
  cfg.edgeHub.tls.caFile = at(cfg.edgeHub.tls.caFile, join(certs, 'ca.crt'));
  cfg.edgeHub.tls.certFile = at(cfg.edgeHub.tls.certFile, join(certs, 'edge.crt'));
  cfg.edgeHub.tls.keyFile = at(cfg.edgeHub.tls.keyFile, join(certs, 'edge.key'));
  cfg.metaManager.db = at(cfg.metaManager.db, join(cfg.dataDir, 'edge.db'));
  if (!cfg.edgeHub.certServer) cfg.edgeHub.certServer = `https://${hostOf(cfg.edgeHub.server)}:10002`;
  cfg.edged.rootDir = at(cfg.edged.rootDir, join(cfg.dataDir, 'edged'));
  cfg.edged.podLogDir = at(cfg.edged.podLogDir, join(cfg.dataDir, 'pod-logs'));
  cfg.edged.staticPodPath = at(cfg.edged.staticPodPath, join(cfg.dataDir, 'manifests'));
  if (!cfg.edgeStream.server) cfg.edgeStream.server = `${hostOf(cfg.edgeHub.server)}:10004`;
  cfg.deviceTwin.dmiSocket = at(cfg.deviceTwin.dmiSocket, join(cfg.dataDir, 'dmi.sock'));
  return cfg;
}

/** Writes the config as YAML, readable by its owner only (it names the node's key). Atomic. */
export function writeEdgeConfig(path: string, cfg: EdgeConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `# kedge edge config, written by \`kedge join\`; run with \`kedge edge --config ${path}\`\n${stringify(cfg)}`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
