import { z } from 'zod';

const port = () => z.number().int().min(0).max(65535);

const cloudHubSchema = z.object({
  /** Address CloudHub (WebSocket over mutual TLS) listens on. Default 0.0.0.0: edge nodes are remote. */
  bind: z.string().min(1).default('0.0.0.0'),
  /** CloudHub port; 0 picks a free port. Default 10000 (KubeEdge's). */
  port: port().default(10000),
  /** Most edge nodes connected at once; further nodes are refused with 429. Default 1000. */
  nodeLimit: z.number().int().positive().default(1000),
  /** Seconds without any frame from a node before its connection is closed. Default 30. */
  keepaliveTimeoutSeconds: z.number().positive().default(30),
  /** Largest accepted WebSocket frame in bytes; a larger one closes that connection. Default 8 MiB. */
  maxFrameBytes: z.number().int().positive().default(8 * 1024 * 1024),
  /** Upstream messages per second accepted from one node. Default 50. */
  perNodeQps: z.number().positive().default(50),
  /** Burst of upstream messages one node may send above perNodeQps. Default 100. */
  perNodeBurst: z.number().int().positive().default(100),
}).strict();

const certServerSchema = z.object({
  /** Address of the HTTPS certificate server edge nodes join through. Default 0.0.0.0. */
  bind: z.string().min(1).default('0.0.0.0'),
  /** Certificate server port; 0 picks a free port. Default 10002 (KubeEdge's). */
  port: port().default(10002),
  /** Validity of issued edge node certificates, in days. Default 365. */
  certDays: z.number().int().positive().default(365),
}).strict();

const tokenSchema = z.object({
  /** How long a join token is accepted, in hours. Default 24. */
  ttlHours: z.number().positive().default(24),
  /** How often a new join token is written to Secret kubeedge/tokensecret, in hours. Default 12. */
  refreshHours: z.number().positive().default(12),
}).strict();

const edgeControllerSchema = z.object({
  /** A node status report refreshes condition heartbeats older than this many seconds. Default 10. */
  nodeStatusRefreshSeconds: z.number().positive().default(10),
}).strict();

const cloudStreamSchema = z.object({
  /** Accept edge stream tunnels so `kubectl logs/exec` reach edge pods. Default true. */
  enable: z.boolean().default(true),
  /** Address of the tunnel edge nodes dial (WebSocket over mutual TLS). Default 0.0.0.0. */
  bind: z.string().min(1).default('0.0.0.0'),
  /** Tunnel port; 0 picks a free port. Default 10004 (KubeEdge's). */
  tunnelPort: port().default(10004),
}).strict();

const deviceControllerSchema = z.object({
  /** Run the DeviceController (devices.kubeedge.io to edge nodes and twin status back). Default true. */
  enable: z.boolean().default(true),
  /** Twin reports for one device are coalesced into at most one status write per this many ms. Default 1000. */
  statusCoalesceMs: z.number().int().min(0).default(1000),
}).strict();

/** The `cloudcore` config section, shared by `kedge server` and `kedge cloud`. */
export const cloudcoreSchema = z.object({
  /** Run CloudCore (CloudHub, certificate server, EdgeController, SyncController). Default true. */
  enable: z.boolean().default(true),
  cloudHub: cloudHubSchema.prefault({}),
  certServer: certServerSchema.prefault({}),
  /**
   * Host names or IPs edge nodes use to reach CloudHub; they become SANs of its serving certificate.
   * Default empty: the bind address, 127.0.0.1 and this host's non-internal IPv4 addresses.
   */
  advertiseAddresses: z.array(z.string().min(1)).default([]),
  token: tokenSchema.prefault({}),
  edgeController: edgeControllerSchema.prefault({}),
  cloudStream: cloudStreamSchema.prefault({}),
  deviceController: deviceControllerSchema.prefault({}),
}).strict();

export type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

export type CloudCoreConfig = DeepReadonly<z.infer<typeof cloudcoreSchema>>;

/** The defaults, for tests and callers that only override a few fields. */
export function defaultCloudCoreConfig(): CloudCoreConfig {
  return cloudcoreSchema.parse({});
}
