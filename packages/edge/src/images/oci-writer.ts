import { createHash } from 'node:crypto';
import { writeFile, rename } from 'node:fs/promises';
import { endianness } from 'node:os';
import { gzipSync } from 'node:zlib';
import { writeTar, type TarEntry } from './tar-writer.js';

/** What goes into a single-layer image. */
export interface ImageSpec {
  /** Full reference, e.g. `kedge.local/busybox:1.35`. */
  name: string;
  /** The layer's content (paths relative to /). */
  files: readonly TarEntry[];
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
  labels?: Record<string, string>;
  /** history[0].created_by, for `ctr`/`crictl inspecti`. */
  createdBy?: string;
  /** Go architecture name; defaults to this machine's. */
  architecture?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string; variant?: string };
}

export interface BuiltImage {
  name: string;
  /** The whole archive: OCI image layout plus docker-archive `manifest.json`. */
  tar: Buffer;
  manifest: Descriptor;
  config: Descriptor;
  layer: Descriptor;
  /** sha256 of the uncompressed layer (`rootfs.diff_ids[0]`). */
  diffId: string;
}

export const MediaType = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** Image annotations containerd reads when importing (`images/archive` and `images/annotations.go`). */
export const Annotation = { refName: 'org.opencontainers.image.ref.name', containerdName: 'io.containerd.image.name' } as const;

// Fixed timestamp: identical input must give an identical digest (reproducible builds, SOURCE_DATE_EPOCH=0).
const EPOCH = '1970-01-01T00:00:00Z';

/** Node's process.arch → the GOARCH names OCI platforms use. */
export function goArch(arch: string = process.arch): { architecture: string; variant?: string } {
  switch (arch) {
    case 'x64': return { architecture: 'amd64' };
    case 'ia32': return { architecture: '386' };
    case 'arm64': return { architecture: 'arm64', variant: 'v8' };
    case 'arm': return { architecture: 'arm', variant: `v${(process.config.variables as { arm_version?: string }).arm_version ?? '7'}` };
    case 'ppc64': return { architecture: endianness() === 'LE' ? 'ppc64le' : 'ppc64' };
    default: return { architecture: arch };
  }
}

export const sha256 = (b: Uint8Array): string => 'sha256:' + createHash('sha256').update(b).digest('hex');

function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

/** Splits `host/repo:tag` into the repository and the tag (`latest` when absent; a digest ref keeps none). */
export function splitReference(ref: string): { repository: string; tag: string } {
  const at = ref.indexOf('@');
  const base = at === -1 ? ref : ref.slice(0, at);
  const colon = base.lastIndexOf(':');
  if (colon > base.lastIndexOf('/')) return { repository: base.slice(0, colon), tag: base.slice(colon + 1) };
  return { repository: base, tag: 'latest' };
}

/**
 * Builds a one-layer image as an OCI image layout tarball (`oci-layout`, `index.json`, `blobs/sha256/…`) that
 * also carries docker's `manifest.json`, so `ctr images import`, `docker load` and `podman load` accept it.
 * Deterministic: the same spec gives the same bytes.
 */
export function buildImage(spec: ImageSpec): BuiltImage {
  if (!/^[a-z0-9][a-z0-9._\-/:]*[a-z0-9]$/.test(spec.name)) throw new Error(`invalid image name ${JSON.stringify(spec.name)}`);
  const layerTar = writeTar(spec.files);
  const layerGz = gzipSync(layerTar, { level: 9 });
  const diffId = sha256(layerTar);
  const layer: Descriptor = { mediaType: MediaType.layerGzip, digest: sha256(layerGz), size: layerGz.length };

  const arch = spec.architecture ? { architecture: spec.architecture } : goArch();
  const imageConfig: Record<string, unknown> = {
    Env: spec.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
    ...(spec.labels ? { Labels: spec.labels } : {}),
  };
  const configJson = Buffer.from(JSON.stringify({
    created: EPOCH,
    ...arch,
    os: 'linux',
    config: imageConfig,
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: EPOCH, created_by: spec.createdBy ?? 'kedge images build-test' }],
  }));
  const config: Descriptor = { mediaType: MediaType.config, digest: sha256(configJson), size: configJson.length };

  const manifestJson = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.manifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: [layer],
  }));
  const { tag } = splitReference(spec.name);
  const manifest: Descriptor = {
    mediaType: MediaType.manifest,
    digest: sha256(manifestJson),
    size: manifestJson.length,
    // Docker's OCI export convention: ref.name is the tag, the containerd annotation the full name.
    annotations: { [Annotation.containerdName]: spec.name, [Annotation.refName]: tag },
    platform: { ...arch, os: 'linux' },
  };
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.index, manifests: [manifest] }));
  const dockerManifest = Buffer.from(JSON.stringify([{ Config: blobPath(config.digest), RepoTags: [spec.name], Layers: [blobPath(layer.digest)] }]));

  const tar = writeTar([
    { type: 'file', path: 'oci-layout', data: JSON.stringify({ imageLayoutVersion: '1.0.0' }) },
    { type: 'file', path: 'index.json', data: index },
    { type: 'file', path: 'manifest.json', data: dockerManifest },
    { type: 'dir', path: 'blobs' },
    { type: 'dir', path: 'blobs/sha256' },
    { type: 'file', path: blobPath(layer.digest), data: layerGz },
    { type: 'file', path: blobPath(config.digest), data: configJson },
    { type: 'file', path: blobPath(manifest.digest), data: manifestJson },
  ]);
  return { name: spec.name, tar, manifest, config, layer, diffId };
}

/** Builds the image and writes its archive to `file` (atomically: a partial file never has the final name). */
export async function writeImage(file: string, spec: ImageSpec): Promise<BuiltImage> {
  const image = buildImage(spec);
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, image.tar);
  await rename(tmp, file);
  return image;
}
