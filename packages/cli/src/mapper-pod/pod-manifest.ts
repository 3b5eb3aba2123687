import { dirname, isAbsolute, posix } from 'node:path';
import { UsageError } from '../usage-error.js';

// Issue 5, "Each runs as `kedge mapper <protocol>` or as a pod". There is no image with Node.js and
// kedge in it, so the pod runs the node's own install: kedge's busybox image chroots into the host's
// root (hostPath `/`, read-only, at /host) and starts `node <kedge main.js> mapper <protocol>` there.
// Trade-off (docs/mappers.md "Running a mapper as a pod"): tiny and registry-free, but the pod needs
// node and kedge installed on the edge at the paths printed, and it sees the whole host read-only.

/** kedge's local busybox image; edged imports it on every edge (packages/edge/src/images). */
export const MAPPER_POD_IMAGE = 'kedge.local/busybox:1.35';
/** Where the host's root is mounted in the container. */
export const HOST_ROOT = '/host';

/**
 * Measured for `kedge mapper virtual|modbus|opcua` idle on Node 20: ~110 MB RSS, ~1 CPU-second to start
 * (docs/mappers.md). The limit leaves room for a few hundred devices; raise it for more.
 */
export const MAPPER_POD_RESOURCES = {
  requests: { cpu: '50m', memory: '128Mi' },
  limits: { cpu: '1', memory: '512Mi' },
} as const;

export interface MapperPodOptions {
  protocol: string;
  /** Mapper name (`common.name`); also the pod's name once made a DNS-1123 label. */
  name: string;
  /** The edge node that runs the pod (nodeSelector kubernetes.io/hostname). */
  node: string;
  namespace: string;
  /** EdgeCore's DMI socket on the node (absolute). */
  dmiSocket: string;
  /** The mapper's own socket on the node (absolute); EdgeCore dials it back. */
  socket: string;
  /** REST API port on the node's network; 0 = any free port, -1 = off. */
  restPort: number;
  /** A mapper config file on the node (absolute), passed through as --config. */
  configFile?: string;
  /** The node binary and kedge's main.js on the node (absolute). */
  nodeBinary: string;
  kedgeMain: string;
  logLevel?: string;
  image?: string;
}

/** A DNS-1123 label from a mapper name: lower case, [-a-z0-9], at most 63 characters. */
export function podName(mapperName: string): string {
  const n = mapperName.toLowerCase().replace(/[^-a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  if (!n) throw new UsageError(`name: ${JSON.stringify(mapperName)} has no character usable in a pod name`);
  return n;
}

function requireAbsolute(field: string, p: string | undefined): void {
  if (p !== undefined && !isAbsolute(p)) throw new UsageError(`${field}: ${p} must be an absolute path on the edge node`);
}

/** The directories the mapper must write to (its socket) or EdgeCore's socket lives in, deduplicated, parents first. */
function socketDirs(o: MapperPodOptions): string[] {
  const dirs = [...new Set([dirname(o.dmiSocket), dirname(o.socket)])].sort();
  // A directory under another one already mounted read-write needs no mount of its own.
  return dirs.filter((d) => !dirs.some((p) => p !== d && (p === '/' || d.startsWith(`${p}/`))));
}

/** The Pod that runs `kedge mapper <protocol>` on `node` (see the file comment for how). */
export function mapperPod(o: MapperPodOptions): Record<string, any> {
  requireAbsolute('dmiSocket', o.dmiSocket);
  requireAbsolute('socket', o.socket);
  requireAbsolute('config', o.configFile);
  requireAbsolute('nodeBinary', o.nodeBinary);
  requireAbsolute('kedgeMain', o.kedgeMain);
  const name = podName(o.name);
  const labels = { 'app.kubernetes.io/name': 'kedge-mapper', 'app.kubernetes.io/instance': name, 'mappers.kedge.io/protocol': o.protocol };
  const args = [
    o.nodeBinary, o.kedgeMain, 'mapper', o.protocol,
    ...(o.configFile ? ['--config', o.configFile] : []),
    '--name', o.name,
    '--dmi-socket', o.dmiSocket,
    '--socket', o.socket,
    '--rest-port', String(o.restPort),
    '--log-level', o.logLevel ?? 'info',
  ];
  const dirs = socketDirs(o);
  // The mapper writes nothing but its socket (the DMI proto is parsed from memory), so the host root is read-only.
  const volumes: any[] = [{ name: 'host-root', hostPath: { path: '/', type: 'Directory' } }];
  const mounts: any[] = [{ name: 'host-root', mountPath: HOST_ROOT, readOnly: true }];
  dirs.forEach((d, i) => {
    // Read-write over the read-only root: the mapper creates its socket here and EdgeCore dials it back.
    volumes.push({ name: `dmi-${i}`, hostPath: { path: d, type: 'Directory' } });
    mounts.push({ name: `dmi-${i}`, mountPath: posix.join(HOST_ROOT, d) });
  });
  // With a fixed REST port the probe asks the mapper itself; otherwise it checks its socket exists.
  const probe = () => o.restPort > 0
    ? { httpGet: { host: '127.0.0.1', port: o.restPort, path: '/api/v1/ping' } }
    : { exec: { command: ['/bin/busybox', 'test', '-S', posix.join(HOST_ROOT, o.socket)] } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace, labels },
    spec: {
      nodeSelector: { 'kubernetes.io/hostname': o.node },
      // The REST API and push methods use the node's network, as `kedge mapper` on the host does.
      hostNetwork: true,
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 10,
      containers: [{
        name: 'mapper',
        image: o.image ?? MAPPER_POD_IMAGE,
        imagePullPolicy: 'IfNotPresent',
        // busybox's chroot (CAP_SYS_CHROOT is in containerd's default set) execs node, which is PID 1 and handles SIGTERM.
        command: ['/bin/busybox', 'chroot', HOST_ROOT],
        args,
        resources: structuredClone(MAPPER_POD_RESOURCES),
        livenessProbe: { ...probe(), initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
        readinessProbe: { ...probe(), periodSeconds: 5, timeoutSeconds: 2 },
        volumeMounts: mounts,
      }],
      volumes,
    },
  };
}
