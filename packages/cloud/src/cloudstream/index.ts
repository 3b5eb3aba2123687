// CloudStream (issue 4): the cloud end of the edge stream tunnels; serves pods/log and pods/exec.
export { createCloudStream, noTunnel, STREAM_PATH, type CloudStream, type CloudStreamOptions } from './cloud-stream.js';
export { Tunnel, type SessionEvents, type TunnelSession } from './tunnel.js';
export * from '@kedge/core/stream-tunnel/index.js';
