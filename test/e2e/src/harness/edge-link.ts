// Helpers for the cloud–edge link suites (issue 3): real `kedge server` / `kedge join` processes on loopback.
export { startCloud, type Cloud, type CloudOptions } from './cloud.js';
export { startEdge, joinExpectingFailure, joinArgs, type Edge, type EdgeOptions } from './edge.js';
export { metaServer, type MetaClient, type MetaResponse, type MetaWatch, type MetaWatchEvent } from './meta-client.js';
export { rawHubClient, issueNodeCert, type RawHubClient } from './hub-client.js';
export { freePorts } from './ports.js';
export { spawnKedge, runKedge, terminate, waitForLines, type CliProc } from './proc.js';
export { readEdgeCache } from './edge-cache.js';
