import type { KubeObject } from '../meta.js';
import { deviceCRD, deviceModelCRD } from './devices.js';
import { clusterObjectSyncCRD, objectSyncCRD } from './reliablesyncs.js';

export { deviceCRD, deviceModelCRD } from './devices.js';
export { clusterObjectSyncCRD, objectSyncCRD } from './reliablesyncs.js';
export { makeCRD, type CRDSpec, type CRDVersionSpec } from './crd.js';

/** CRDs the API server installs at start. Callers must clone before mutating. */
export const builtinCRDs: KubeObject[] = [deviceCRD, deviceModelCRD, objectSyncCRD, clusterObjectSyncCRD];
