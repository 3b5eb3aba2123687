// Local images for registry-less edges (issue 4): build busybox/pause archives, import tarballs into containerd.
export * from './tar-writer.js';
export * from './tar-reader.js';
export * from './oci-writer.js';
export * from './test-images.js';
export * from './import.js';
