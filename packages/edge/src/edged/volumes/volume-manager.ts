import fs from 'node:fs/promises';
import path from 'node:path';
import { ApiError, type KubeObject } from '@kedge/api';
import type { Logger } from '@kedge/core';
import type { NodeInfo, ObjectGetter } from '../env/index.js';
import { writeAtomic } from './atomic-writer.js';
import { checkHostPath } from './host-path.js';
import { isProjectedKind, volumePayload } from './payload.js';

/** Volume name → path on the host that the container mounts. */
export type VolumePaths = Map<string, string>;

export interface VolumeManagerOptions {
  /** Edged's root; pod volumes live under `<rootDir>/pods/<uid>/volumes/<plugin>/<name>` as in kubelet. */
  rootDir: string;
  log: Logger;
  /** The edge cache (MetaStore) the ConfigMaps and Secrets are read from. */
  store: ObjectGetter;
  /** For downwardAPI items that read node facts; defaults to the pod's nodeName and no host IP. */
  node?: NodeInfo;
}

export interface VolumeManager {
  /**
   * Prepares every volume of the pod and returns where each lives on the host. Idempotent: emptyDir
   * content survives a repeat call (container restarts, EdgeCore restarts). Throws an ApiError naming
   * a missing non-optional ConfigMap/Secret/key or a failed hostPath check.
   */
  setUp(pod: KubeObject): Promise<VolumePaths>;
  /** Re-projects the ConfigMap/Secret/projected/downwardAPI volumes; returns the names whose files changed. */
  refresh(pod: KubeObject): Promise<string[]>;
  /** Removes the pod's directory (emptyDir data included; hostPath targets are never touched). */
  tearDown(podUid: string): Promise<void>;
  podDir(podUid: string): string;
}

// Plugin directory names are kubelet's, so tools that know its layout find the files.
function pluginOf(volume: any): string | undefined {
  if (volume.emptyDir) return 'kubernetes.io~empty-dir';
  if (volume.configMap) return 'kubernetes.io~configmap';
  if (volume.secret) return 'kubernetes.io~secret';
  if (volume.projected) return 'kubernetes.io~projected';
  if (volume.downwardAPI) return 'kubernetes.io~downward-api';
  return undefined;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function createVolumeManager(opts: VolumeManagerOptions): VolumeManager {
  const log = opts.log.child({ module: 'volumes' });
  const podDir = (uid: string): string => {
    if (!SAFE_NAME.test(uid)) throw new ApiError('BadRequest', `invalid pod uid "${uid}"`);
    return path.join(opts.rootDir, 'pods', uid);
  };
  const volumeDir = (uid: string, plugin: string, name: string): string => {
    if (!SAFE_NAME.test(name)) throw new ApiError('Invalid', `invalid volume name "${name}"`);
    return path.join(podDir(uid), 'volumes', plugin, name);
  };
  const uidOf = (pod: KubeObject): string => {
    const uid = pod.metadata.uid;
    if (!uid) throw new ApiError('BadRequest', `pod ${pod.metadata.namespace}/${pod.metadata.name} has no uid`);
    return uid;
  };
  const nodeFor = (pod: KubeObject): NodeInfo => opts.node ?? { name: (pod.spec?.nodeName as string | undefined) ?? '', hostIP: '' };

  // One write at a time per volume dir: setUp and a refresh from the store's change feed may overlap,
  // and two writers would race on `..data_tmp`.
  const writing = new Map<string, Promise<unknown>>();
  async function project(pod: KubeObject, volume: any): Promise<{ dir: string; changed: boolean }> {
    const dir = volumeDir(uidOf(pod), pluginOf(volume)!, volume.name);
    const prev = writing.get(dir) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(() => writeAtomic(dir, volumePayload(volume, { pod, store: opts.store, node: nodeFor(pod) })));
    writing.set(dir, run);
    try {
      return { dir, changed: await run };
    } finally {
      if (writing.get(dir) === run) writing.delete(dir);
    }
  }

  return {
    podDir,

    async setUp(pod) {
      const uid = uidOf(pod);
      const out: VolumePaths = new Map();
      for (const volume of (pod.spec?.volumes ?? []) as any[]) {
        if (volume.hostPath) {
          await checkHostPath(volume.hostPath.path, volume.hostPath.type);
          out.set(volume.name, volume.hostPath.path);
        } else if (volume.emptyDir) {
          // medium: Memory is a plain directory for now: a tmpfs mount needs root and cleanup on reboot.
          const dir = volumeDir(uid, pluginOf(volume)!, volume.name);
          await fs.mkdir(dir, { recursive: true, mode: 0o777 });
          await fs.chmod(dir, 0o777);
          out.set(volume.name, dir);
        } else if (isProjectedKind(volume)) {
          const { dir } = await project(pod, volume);
          out.set(volume.name, dir);
        } else {
          throw new ApiError('Invalid', `volume "${volume.name}": unsupported volume type at the edge`);
        }
      }
      log.debug({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, volumes: out.size }, 'volumes set up');
      return out;
    },

    async refresh(pod) {
      const changed: string[] = [];
      for (const volume of (pod.spec?.volumes ?? []) as any[]) {
        if (!isProjectedKind(volume)) continue;
        if ((await project(pod, volume)).changed) changed.push(volume.name);
      }
      if (changed.length) log.info({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, volumes: changed }, 'volume files updated');
      return changed;
    },

    async tearDown(podUid) {
      await fs.rm(podDir(podUid), { recursive: true, force: true });
      log.debug({ uid: podUid }, 'pod volumes removed');
    },
  };
}
