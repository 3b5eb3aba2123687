// `kedge mapper <protocol> --print-pod-manifest`: a Pod that runs a shipped mapper on an edge node (issue 5).
export { HOST_ROOT, MAPPER_POD_IMAGE, MAPPER_POD_RESOURCES, mapperPod, podName, type MapperPodOptions } from './pod-manifest.js';
