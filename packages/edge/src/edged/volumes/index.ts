// Pod volumes for Edged (issue 4): emptyDir, hostPath, configMap, secret, projected and downwardAPI
// volumes under kubelet's pod directory layout, and the CRI mounts of a container.
export { createVolumeManager, type VolumeManager, type VolumeManagerOptions, type VolumePaths } from './volume-manager.js';
export { mountsFor, type MountsOptions } from './mounts.js';
export { writeAtomic, validatePayloadPath, type Payload, type FileProjection } from './atomic-writer.js';
export { checkHostPath } from './host-path.js';
export { volumePayload, isProjectedKind, type PayloadContext } from './payload.js';
