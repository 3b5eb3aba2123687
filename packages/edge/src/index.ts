// EdgeCore: EdgeHub, MetaManager/MetaServer, node status, the CRI client and local images (Edged is
// being built on them). Must never import @kedge/cloud: the edge runs on its own machine (the
// tsconfig references enforce it).
export * from './edgehub/index.js';
export * from './metamanager/index.js';
export * from './metaserver/index.js';
export * from './cri/index.js';
export * from './containerd/index.js';
// images/ also has an ImageSpec (what to build); import it from '@kedge/edge/images/index.js'.
export { buildBusyboxImage, buildPauseImage, buildTestImages, importImage, listImages, DEFAULT_BUSYBOX_IMAGE, DEFAULT_PAUSE_IMAGE } from './images/index.js';
