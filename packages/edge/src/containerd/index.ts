// Finding or starting the containerd the edge runs pods on (issue 4).
export * from './config.js';
export { startPrivateContainerd, findBinary, criAnswers, installHint, type RunningContainerd, type PrivateContainerdOptions } from './private-containerd.js';
export { findContainerd, systemContainerdSocket, type FindContainerdOptions } from './find-containerd.js';
