import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '@kedge/api';
import { writeImage, type BuiltImage } from './oci-writer.js';
import type { TarEntry } from './tar-writer.js';

export const DEFAULT_BUSYBOX_IMAGE = 'kedge.local/busybox:1.35';
export const DEFAULT_PAUSE_IMAGE = 'kedge.local/pause:3.9';
/** Where Debian's busybox-static installs its statically linked binary. */
export const DEBIAN_BUSYBOX = '/bin/busybox';

/** Applets linked into /bin: enough for shell scripts, probes, and small HTTP/TCP servers in tests. */
export const BUSYBOX_APPLETS = [
  'sh', 'ash', 'ls', 'cat', 'echo', 'sleep', 'env', 'wget', 'nc', 'httpd', 'true', 'false', 'ps', 'id',
  'hostname', 'mkdir', 'date', 'printf', 'test', '[', 'kill', 'grep', 'sed', 'awk', 'head', 'tail', 'wc',
  'cp', 'mv', 'rm', 'touch', 'ln', 'chmod', 'pwd', 'uname', 'whoami', 'sort', 'tr', 'cut', 'seq', 'expr',
  'timeout', 'stat', 'df', 'du', 'find', 'xargs', 'tee', 'basename', 'dirname', 'yes', 'ip', 'ifconfig',
  'nslookup', 'ping', 'top', 'mount', 'vi', 'less', 'more', 'base64', 'md5sum', 'sha256sum', 'tar', 'gzip',
  'gunzip', 'zcat', 'readlink', 'realpath', 'sync', 'usleep', 'free', 'uptime', 'pidof', 'killall',
];

export interface BuildTestImageOptions {
  /** The archive to write, e.g. `./busybox.tar`. */
  out: string;
  name?: string;
  /** The static busybox binary to copy (default Debian's /bin/busybox). */
  busybox?: string;
}

function readBusybox(path: string): Buffer {
  let bin: Buffer;
  try {
    bin = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('NotFound', `busybox-static is not installed: apt-get install busybox-static (no ${path})`, { cause: err });
    throw err;
  }
  // A dynamically linked busybox (Debian's `busybox` package) would not run in an image without libc.
  if (bin.includes(Buffer.from('/lib64/ld-linux')) || bin.includes(Buffer.from('/lib/ld-linux'))) {
    throw new ApiError('BadRequest', `${path} is dynamically linked; install the static build: apt-get install busybox-static`);
  }
  return bin;
}

/** A minimal root filesystem: busybox and its applet links, root user, /tmp. */
export function busyboxRootfs(busybox: Buffer): TarEntry[] {
  return [
    { type: 'dir', path: 'bin' },
    { type: 'file', path: 'bin/busybox', data: busybox, mode: 0o755 },
    ...BUSYBOX_APPLETS.map((a): TarEntry => ({ type: 'symlink', path: `bin/${a}`, target: 'busybox' })),
    { type: 'dir', path: 'etc' },
    { type: 'file', path: 'etc/passwd', data: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' },
    { type: 'file', path: 'etc/group', data: 'root:x:0:\nnogroup:x:65534:\n' },
    { type: 'file', path: 'etc/hosts', data: '127.0.0.1 localhost\n::1 localhost\n' },
    { type: 'dir', path: 'root', mode: 0o700 },
    { type: 'dir', path: 'tmp', mode: 0o1777 },
    { type: 'dir', path: 'var' },
    { type: 'dir', path: 'var/www' },
    { type: 'dir', path: 'proc' },
    { type: 'dir', path: 'sys' },
    { type: 'dir', path: 'dev' },
  ];
}

/** A busybox image (default command `sh`) built from the local busybox-static binary, no registry needed. */
export async function buildBusyboxImage(opts: BuildTestImageOptions): Promise<BuiltImage> {
  const bin = readBusybox(opts.busybox ?? DEBIAN_BUSYBOX);
  return writeImage(opts.out, {
    name: opts.name ?? DEFAULT_BUSYBOX_IMAGE,
    files: busyboxRootfs(bin),
    cmd: ['sh'],
    createdBy: `busybox from ${opts.busybox ?? DEBIAN_BUSYBOX} (kedge images build-test)`,
  });
}

/**
 * A sandbox (pause) image: the same busybox, sleeping until SIGTERM/SIGINT and then exiting 0 at once. `sleep`
 * runs in the background so the shell's trap fires immediately instead of after the sleep ends.
 */
export async function buildPauseImage(opts: BuildTestImageOptions): Promise<BuiltImage> {
  const bin = readBusybox(opts.busybox ?? DEBIAN_BUSYBOX);
  return writeImage(opts.out, {
    name: opts.name ?? DEFAULT_PAUSE_IMAGE,
    files: busyboxRootfs(bin),
    entrypoint: ['/bin/sh', '-c', "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"],
    createdBy: `pause from ${opts.busybox ?? DEBIAN_BUSYBOX} (kedge images build-test)`,
  });
}

/** Writes `busybox.tar` and `pause.tar` into `dir`. */
export async function buildTestImages(dir: string, names: { busybox?: string; pause?: string; busyboxBinary?: string } = {}): Promise<{ busybox: BuiltImage & { file: string }; pause: BuiltImage & { file: string } }> {
  const bbFile = join(dir, 'busybox.tar');
  const pauseFile = join(dir, 'pause.tar');
  const busybox = await buildBusyboxImage({ out: bbFile, name: names.busybox, busybox: names.busyboxBinary });
  const pause = await buildPauseImage({ out: pauseFile, name: names.pause, busybox: names.busyboxBinary });
  return { busybox: { ...busybox, file: bbFile }, pause: { ...pause, file: pauseFile } };
}
