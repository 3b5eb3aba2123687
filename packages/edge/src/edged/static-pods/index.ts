// Static pods from edged.staticPodPath (issue 4), named and UID'd the way kubelet's file source does.
export { staticPodFromFile, CONFIG_SOURCE, CONFIG_HASH } from './static-pod.js';
export { createStaticPodSource, type StaticPodSource, type StaticPodSourceOptions } from './static-pod-source.js';
