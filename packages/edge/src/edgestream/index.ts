// EdgeStream (issue 4): the edge end of the cloud–edge stream tunnel for kubectl logs/exec, and the
// log/exec code `kedge ctl` uses offline.
export { createEdgeStream, STREAM_PATH, type EdgeStream, type EdgeStreamOptions } from './edge-stream.js';
export * from '@kedge/core/stream-tunnel/index.js';
export { parseCriLogLine, LogFormatter, LineSplitter, sinceMillis, type CriLogRecord } from './cri-log.js';
export { streamLogFile, tailOffset, type LogStreamOptions } from './log-stream.js';
export { podLogs } from './pod-logs.js';
export { openExec, Channel, type ExecSession } from './exec-relay.js';
export { findContainer, type FoundContainer } from './containers.js';
export { SessionHost, type SessionHostOptions } from './sessions.js';
export { findRuntimeSocket, lazyRuntime, type RuntimeLocation } from './runtime-client.js';
