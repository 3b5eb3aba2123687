import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@kedge/core';
import { criAnswers, findBinary, findContainerd, installHint, systemContainerdSocket, type RunningContainerd } from '../containerd/index.js';
import { createCriClient, type CriClient } from '../cri/index.js';
import { buildBusyboxImage, buildPauseImage, DEBIAN_BUSYBOX, DEFAULT_BUSYBOX_IMAGE, DEFAULT_PAUSE_IMAGE, goArch, importImage } from '../images/index.js';

export interface ResolveRuntimeOptions {
  /** `unix:///path` or a bare socket path; empty: the system containerd, else a private one. */
  endpoint: string;
  privateContainerd: boolean;
  /** Where a private containerd keeps its root, state and socket (`<dataDir>/containerd`). */
  dir: string;
  sandboxImage: string;
  log: Logger;
}

export type ResolvedRuntime =
  | { kind: 'cri'; containerd: RunningContainerd; cri: CriClient }
  | { kind: 'none'; line: string };

const socketOf = (endpoint: string): string => endpoint.replace(/^unix:\/\//, '');

/**
 * The container runtime Edged drives: the configured endpoint (which must answer), else the system
 * containerd, else a private containerd when allowed and installed. No runtime is not an error: the
 * edge keeps its other duties and reports pods as waiting, with the one line that says what to install.
 */
export async function resolveRuntime(o: ResolveRuntimeOptions): Promise<ResolvedRuntime> {
  const socket = o.endpoint ? socketOf(o.endpoint) : undefined;
  if (!socket && !o.privateContainerd) {
    // findContainerd would start a private one; without permission only the system socket is tried.
    if (!(await criAnswers(systemContainerdSocket))) {
      return { kind: 'none', line: `edged: no container runtime at ${systemContainerdSocket} and privateContainerd is off; pods stay Pending (NoContainerRuntime)` };
    }
  }
  if (!socket && o.privateContainerd && (!findBinary('containerd') || !findBinary('runc'))) {
    return { kind: 'none', line: `edged: containerd is not installed; pods stay Pending (NoContainerRuntime) until you run: ${installHint}` };
  }
  try {
    const containerd = await findContainerd({ log: o.log, dir: o.dir, sandboxImage: o.sandboxImage, ...(socket ? { socket } : {}) });
    return { kind: 'cri', containerd, cri: createCriClient({ socket: containerd.socket, timeoutMs: 30_000 }) };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { kind: 'none', line: `edged: no container runtime (${why}); pods stay Pending (NoContainerRuntime)` };
  }
}

export interface EnsureImagesOptions {
  cri: CriClient;
  containerd: RunningContainerd;
  sandboxImage: string;
  busybox: boolean;
  log: Logger;
  /** Scratch space for the archives (removed afterwards). */
  tmpDir: string;
}

/**
 * Makes the kedge.local images usable without a registry: the sandbox image when it is kedge's own
 * pause, and the demo busybox, each built from Debian's busybox-static and imported only when missing.
 * Other sandbox images are the operator's (pulled by the pod manager like any image).
 */
export async function ensureLocalImages(o: EnsureImagesOptions): Promise<void> {
  const wanted: Array<{ name: string; build: typeof buildPauseImage }> = [];
  if (o.sandboxImage === DEFAULT_PAUSE_IMAGE) wanted.push({ name: DEFAULT_PAUSE_IMAGE, build: buildPauseImage });
  if (o.busybox) wanted.push({ name: DEFAULT_BUSYBOX_IMAGE, build: buildBusyboxImage });
  const missing = [];
  for (const w of wanted) if ((await o.cri.imageStatus({ image: { image: w.name } })).image === null) missing.push(w);
  if (!missing.length) return;
  if (!findBinary('ctr')) {
    o.log.warn({ images: missing.map((m) => m.name) }, `cannot import local images: ctr is missing (${installHint})`);
    return;
  }
  const dir = await mkdtemp(join(o.tmpDir, 'images-'));
  try {
    // The images were just built for goArch(); import exactly that platform.
    const platform = `linux/${goArch().architecture}`;
    for (const m of missing) {
      const file = join(dir, 'image.tar');
      try {
        await m.build({ out: file, name: m.name, busybox: DEBIAN_BUSYBOX });
        await importImage({ tarball: file, containerdSocket: o.containerd.socket, platform, ...(o.containerd.snapshotter ? { snapshotter: o.containerd.snapshotter } : {}) });
        o.log.info({ image: m.name }, 'local image built from busybox-static and imported');
      } catch (err) {
        // Pods using it show ErrImagePull with the cause; the edge keeps running.
        o.log.warn({ err, image: m.name }, 'building a local image failed');
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
