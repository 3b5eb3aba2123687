import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The sandbox (pause) image; not pulled from a registry but produced locally (issue 4, `kedge images`). */
export const defaultSandboxImage = 'kedge.local/pause:3.9';
/** Where Debian's containernetworking-plugins installs the CNI binaries. */
export const debianCniBinDir = '/usr/lib/cni';

export interface ContainerdLayout {
  dir: string;
  root: string;
  state: string;
  socket: string;
  configFile: string;
  logFile: string;
  pidFile: string;
  cniConfDir: string;
  cniIpamDir: string;
  runcRoot: string;
}

/** Every path a private containerd uses, all under `dir` (so two instances never share state). */
export function containerdLayout(dir: string): ContainerdLayout {
  return {
    dir,
    root: join(dir, 'root'),
    state: join(dir, 'state'),
    socket: join(dir, 'containerd.sock'),
    configFile: join(dir, 'config.toml'),
    logFile: join(dir, 'containerd.log'),
    pidFile: join(dir, 'containerd.pid'),
    cniConfDir: join(dir, 'cni', 'net.d'),
    cniIpamDir: join(dir, 'cni', 'ipam'),
    // runc's default root (/run/containerd/runc) would be shared with a system containerd.
    runcRoot: join(dir, 'runc'),
  };
}

export interface ContainerdConfigOptions {
  sandboxImage?: string;
  snapshotter?: 'overlayfs' | 'native';
  cniBinDir?: string;
}

// TOML basic strings accept JSON's escapes for the characters a path can contain.
const q = (s: string) => JSON.stringify(s);

/** A containerd 1.6 config (version 2) with the CRI plugin on cgroupfs + runc, private paths only. */
export function renderContainerdConfig(l: ContainerdLayout, o: ContainerdConfigOptions = {}): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    'version = 2',
    `root = ${q(l.root)}`,
    `state = ${q(l.state)}`,
    // Snapshotters and tracing that cannot work here or are not needed; fewer plugins, faster boot.
    'disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]',
    '',
    '[grpc]',
    `  address = ${q(l.socket)}`,
    '',
    '[ttrpc]',
    `  address = ${q(`${l.socket}.ttrpc`)}`,
    '',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${q(join(l.dir, 'opt'))}`,
    '',
    `[${cri}]`,
    `  sandbox_image = ${q(o.sandboxImage ?? defaultSandboxImage)}`,
    // Exec/attach/port-forward URLs point at this server; loopback only, port chosen by the kernel.
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    '  enable_selinux = false',
    // The sandbox asks for oom_score_adj -998; lowering a score needs CAP_SYS_RESOURCE, which VMs and
    // containers often withhold (runc then fails with "failed to update /proc/self/oom_score_adj").
    // Clamping to containerd's own score keeps pods runnable there and is harmless elsewhere.
    '  restrict_oom_score_adj = true',
    `  [${cri}.containerd]`,
    `    snapshotter = ${q(o.snapshotter ?? 'overlayfs')}`,
    '    default_runtime_name = "runc"',
    `    [${cri}.containerd.runtimes.runc]`,
    '      runtime_type = "io.containerd.runc.v2"',
    `      [${cri}.containerd.runtimes.runc.options]`,
    // No systemd as PID 1 on edge boxes and in CI: cgroupfs driver.
    '        SystemdCgroup = false',
    `        Root = ${q(l.runcRoot)}`,
    `  [${cri}.cni]`,
    `    bin_dir = ${q(o.cniBinDir ?? debianCniBinDir)}`,
    `    conf_dir = ${q(l.cniConfDir)}`,
    '    max_conf_num = 1',
    '',
  ].join('\n');
}

/** The bridge EdgeCore's private containerd puts pods on (`kedge reset` removes it). */
export const defaultCniBridge = 'kedge0';

export interface CniOptions {
  /** Linux bridge device name (host-global: give concurrent instances different names). Default kedge0. */
  bridge?: string;
  /** Pod subnet for host-local IPAM. */
  subnet?: string;
  ipamDataDir: string;
}

/**
 * The pod network: a bridge with host-local IPAM and portmap for hostPort. containerd's CRI plugin
 * sets up the pod's loopback interface itself (it loads the `loopback` plugin from bin_dir), so the
 * chain does not list it.
 */
export function renderCniConflist(o: CniOptions): string {
  const conf = {
    cniVersion: '1.0.0',
    name: 'kedge',
    plugins: [
      {
        type: 'bridge',
        bridge: o.bridge ?? defaultCniBridge,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: o.subnet ?? '10.88.0.0/16' }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: o.ipamDataDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  return `${JSON.stringify(conf, null, 2)}\n`;
}

/**
 * overlayfs works only where the kernel allows an overlay mount on `dir`'s filesystem (not on top of
 * another overlay, e.g. inside some containers); the only reliable check is to try one.
 */
export function overlaySupported(dir: string): boolean {
  const base = join(dir, '.overlay-check');
  const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((d) => join(base, d));
  try {
    for (const d of [lower, upper, work, merged]) mkdirSync(d!, { recursive: true });
    const r = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged!], { stdio: 'ignore', timeout: 5000 });
    if (r.status !== 0) return false;
    spawnSync('umount', [merged!], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
