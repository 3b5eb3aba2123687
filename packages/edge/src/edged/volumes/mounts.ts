import path from 'node:path';
import { ApiError, type KubeObject } from '@kedge/api';
import type { Mount, MountPropagation } from '../../cri/index.js';
import { expand, lookupIn, type EnvVar } from '../env/index.js';
import { isProjectedKind } from './payload.js';
import type { VolumePaths } from './volume-manager.js';

export interface MountsOptions {
  /** The pod: API-data volumes (configMap, secret, projected, downwardAPI) are then mounted read-only, as kubelet does. */
  pod?: KubeObject;
  /** The container's resolved env, for `subPathExpr`. */
  env?: readonly EnvVar[];
}

const propagation: Record<string, MountPropagation> = {
  None: 'PROPAGATION_PRIVATE',
  HostToContainer: 'PROPAGATION_HOST_TO_CONTAINER',
  Bidirectional: 'PROPAGATION_BIDIRECTIONAL',
};

function checkSubPath(sub: string, container: string, mountPath: string): void {
  if (path.isAbsolute(sub) || sub.split('/').includes('..')) {
    throw new ApiError('Invalid', `container "${container}" mount ${mountPath}: subPath "${sub}" must be a relative path without '..'`);
  }
}

/**
 * The CRI mounts of a container's volumeMounts. `subPath` (or `subPathExpr` expanded with the env) is
 * joined onto the volume's host path; containerd creates a missing host directory itself.
 */
export function mountsFor(container: any, volumes: VolumePaths, opts: MountsOptions = {}): Mount[] {
  const readOnlyVolumes = new Set(((opts.pod?.spec?.volumes ?? []) as any[]).filter(isProjectedKind).map((v) => v.name as string));
  const lookup = lookupIn(opts.env ?? []);
  return ((container.volumeMounts ?? []) as any[]).map((vm): Mount => {
    const host = volumes.get(vm.name);
    if (host === undefined) throw new ApiError('Invalid', `container "${container.name}" mounts unknown volume "${vm.name}"`);
    const sub: string = vm.subPathExpr ? expand(vm.subPathExpr, lookup) : (vm.subPath ?? '');
    if (sub) checkSubPath(sub, container.name, vm.mountPath);
    const m: Mount = {
      containerPath: vm.mountPath,
      hostPath: sub ? path.join(host, sub) : host,
      readonly: vm.readOnly === true || readOnlyVolumes.has(vm.name),
    };
    const prop = vm.mountPropagation ? propagation[vm.mountPropagation] : undefined;
    if (prop) m.propagation = prop;
    return m;
  });
}
