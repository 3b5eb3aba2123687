import { execFile } from 'node:child_process';
import { createReadStream, existsSync, readSync, openSync, closeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { stat } from 'node:fs/promises';
import { ApiError } from '@kedge/api';
import { readTarFile } from './tar-reader.js';

export const DEFAULT_CONTAINERD_SOCKET = '/run/containerd/containerd.sock';
/** The containerd namespace the CRI plugin (and so the kubelet side) uses. */
export const CRI_NAMESPACE = 'k8s.io';

export interface CtrOptions {
  containerdSocket: string;
  namespace?: string;
  /** The `ctr` binary (Debian's containerd package ships it). */
  ctr?: string;
  timeoutMs?: number;
}

export interface ImportOptions extends CtrOptions {
  tarball: string;
  /** e.g. `linux/amd64`; default: every platform in the archive. */
  platform?: string;
  /** Snapshotter to unpack into; must be the one the CRI plugin uses (containerd's default: overlayfs). */
  snapshotter?: string;
}

interface RunResult { stdout: string; stderr: string }

function runCtr(opts: CtrOptions, args: string[], input?: Readable): Promise<RunResult> {
  const ctr = opts.ctr ?? 'ctr';
  // ctr would otherwise retry the dial for its full connect timeout before saying the socket is absent.
  if (opts.containerdSocket.startsWith('/') && !existsSync(opts.containerdSocket)) {
    input?.destroy();
    return Promise.reject(new ApiError('ServiceUnavailable', `cannot reach containerd: no socket at ${opts.containerdSocket} (is containerd running? pass --containerd-socket)`));
  }
  const full = ['--connect-timeout', '5s', '--address', opts.containerdSocket, '--namespace', opts.namespace ?? CRI_NAMESPACE, ...args];
  return new Promise((resolve, reject) => {
    let inputError: Error | undefined;
    const child = execFile(ctr, full, { timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (inputError) return reject(new ApiError('BadRequest', `cannot read the archive: ${inputError.message}`, { cause: inputError }));
      if (!err) return resolve({ stdout, stderr });
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (e.code === 'ENOENT') return reject(new ApiError('NotFound', `ctr is not installed: apt-get install containerd (no ${ctr} in PATH)`, { cause: err }));
      if (e.killed) return reject(new ApiError('Timeout', `ctr ${args.slice(0, 2).join(' ')} timed out after ${opts.timeoutMs ?? 120_000} ms`, { cause: err }));
      const last = lastLine(stderr) || lastLine(stdout) || e.message;
      if (/connect: (no such file|connection refused|permission denied)|failed to dial/i.test(last)) {
        return reject(new ApiError('ServiceUnavailable', `cannot reach containerd at ${opts.containerdSocket}: ${last}`, { cause: err }));
      }
      reject(new ApiError('InternalError', `ctr ${args.slice(0, 2).join(' ')} failed: ${last}`, { cause: err }));
    });
    // ctr's own exit status reports a cut-off stream; EPIPE here adds nothing.
    child.stdin?.on('error', () => {});
    if (!input) {
      child.stdin?.end();
      return;
    }
    input.once('error', (err) => {
      inputError = err;
      child.kill('SIGTERM');
    });
    if (child.stdin) input.pipe(child.stdin);
  });
}

function lastLine(s: string): string {
  const lines = s.split('\n').map((l) => l.trim()).filter(Boolean);
  // ctr prints `ctr: <error>` last; strip its prefix so the caller's message reads as one line.
  return (lines.at(-1) ?? '').replace(/^ctr: /, '');
}

/** Image names an archive declares: index.json annotations (OCI) or manifest.json RepoTags (docker-archive). */
export async function archiveImageNames(tarball: string): Promise<string[]> {
  let files: Map<string, Buffer>;
  try {
    ({ files } = await readTarFile(tarball, (p) => p === 'index.json' || p === 'manifest.json' || p === 'oci-layout'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('NotFound', `no such file: ${tarball}`, { cause: err });
    throw new ApiError('BadRequest', `${tarball} is not an image archive: ${(err as Error).message}`, { cause: err });
  }
  const index = files.get('index.json');
  const docker = files.get('manifest.json');
  if (!index && !docker) throw new ApiError('BadRequest', `${tarball} is not an image archive (no index.json or manifest.json): expected an OCI layout or docker save tarball`);
  const names = new Set<string>();
  try {
    if (index) {
      for (const m of (JSON.parse(index.toString()) as { manifests?: { annotations?: Record<string, string> }[] }).manifests ?? []) {
        const n = m.annotations?.['io.containerd.image.name'];
        if (n) names.add(n);
      }
    }
    if (docker) {
      for (const m of JSON.parse(docker.toString()) as { RepoTags?: string[] }[]) for (const t of m.RepoTags ?? []) names.add(normalizeDockerName(t));
    }
  } catch (err) {
    throw new ApiError('BadRequest', `${tarball} is not an image archive: ${(err as Error).message}`, { cause: err });
  }
  return [...names];
}

/** docker's short names as containerd stores them: `busybox:1` → `docker.io/library/busybox:1`. */
export function normalizeDockerName(name: string): string {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost';
  const withHost = hasHost ? name : `docker.io/${slash === -1 ? 'library/' : ''}${name}`;
  const lastPart = withHost.slice(withHost.lastIndexOf('/') + 1);
  return lastPart.includes(':') || lastPart.includes('@') ? withHost : `${withHost}:latest`;
}

function isGzip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const magic = Buffer.alloc(2);
    return readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Names of the images in the namespace (`ctr images ls -q`). */
export async function listImages(opts: CtrOptions): Promise<string[]> {
  const { stdout } = await runCtr(opts, ['images', 'ls', '-q']);
  return stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/**
 * Loads an OCI-layout or docker-archive tarball into containerd (namespace `k8s.io` by default, where the CRI
 * plugin looks) and unpacks it, so pods can use the image without a registry. Returns the imported names.
 */
export async function importImage(opts: ImportOptions): Promise<string[]> {
  const st = await stat(opts.tarball).catch((err: unknown) => {
    throw new ApiError('NotFound', `no such file: ${opts.tarball}`, { cause: err });
  });
  if (!st.isFile()) throw new ApiError('BadRequest', `${opts.tarball} is not a file`);
  const declared = await archiveImageNames(opts.tarball);
  const args = ['images', 'import'];
  args.push(...(opts.platform ? ['--platform', opts.platform] : ['--all-platforms']));
  if (opts.snapshotter) args.push('--snapshotter', opts.snapshotter);
  // ctr 1.6 reads plain tar only; a gzipped archive (docker save | gzip) is unpacked on the way in.
  const { stdout } = isGzip(opts.tarball)
    ? await runCtr(opts, [...args, '-'], createReadStream(opts.tarball).pipe(createGunzip()))
    : await runCtr(opts, [...args, opts.tarball]);
  // ctr prints `unpacking <name> (sha256:…)...done` per image; the names it stored are the truth.
  const printed = [...stdout.matchAll(/^unpacking (\S+) \(sha256:/gm)].map((m) => m[1]!);
  if (printed.length) return [...new Set(printed)];
  const present = new Set(await listImages(opts));
  return declared.filter((n) => present.has(n));
}
