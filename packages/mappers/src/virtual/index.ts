// The virtual protocol (issue 5): `kedge mapper virtual`, for demos and tests.
export { VirtualDriver, virtualFactory, parseVirtualVisitor, type VirtualVisitor } from './driver.js';
