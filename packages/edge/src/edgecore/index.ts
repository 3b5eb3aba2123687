export { runEdgeCore, EdgeUserError } from './run-edge-core.js';
export { certRotationModule, type CertRotationOptions } from './cert-rotation.js';
