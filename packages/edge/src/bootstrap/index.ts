export {
  bootstrapEdgeCerts, fetchTrustedCA, requestEdgeCert, renewEdgeCert, certNeedsRotation, rotationDeadline, certServerUrl, edgeCertPaths,
  type BootstrapOptions, type RenewOptions, type EdgeCerts,
} from './bootstrap.js';
export { createNodeCSR } from './csr.js';
