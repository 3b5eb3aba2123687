export { resetEdge, isEdgeDataDir, dirSizeBytes, type EdgeResetResult } from './reset-edge.js';
