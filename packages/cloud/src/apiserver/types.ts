import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Backend } from '../storage/types.js';
import type { PodExecOptions, PodLogOptions } from '@kedge/api';

/** Who made a request, from the client certificate (CN = user, O = groups) or a bearer token. */
export interface UserInfo {
  name: string;
  groups: string[];
}

export interface Authenticator {
  /** undefined = anonymous (refused with 401 except for /healthz, /livez, /readyz, /version). */
  authenticate(req: IncomingMessage): UserInfo | undefined;
}

export type { PodExecOptions, PodLogOptions } from '@kedge/api';

/** The pod a log or exec stream is for, as the API server validated it. */
export interface PodStreamTarget {
  namespace: string;
  name: string;
  nodeName: string;
  uid: string;
}

/**
 * Where pods/log and pods/exec go. The API server validates the request and the pod, then hands the
 * stream over; the cloud–edge tunnel (a later issue) implements this. Without one, the routes answer
 * a clear ServiceUnavailable Status.
 */
export interface PodStreamer {
  logs(pod: PodStreamTarget, opts: PodLogOptions, res: ServerResponse, signal: AbortSignal): Promise<void>;
  exec(pod: PodStreamTarget, opts: PodExecOptions, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
}

export interface ApiServerOptions {
  backend: Backend;
  log: Logger;
  authenticator: Authenticator;
  /** Largest request body accepted; bigger requests get 413. Default 3 MiB (etcd's 1.5 MiB object limit × 2). */
  maxBodyBytes?: number;
  /** Watch bookmark interval when allowWatchBookmarks=true. Default 60 s. */
  bookmarkIntervalMs?: number;
  /** History kept for watch resume / Exact reads: compaction keeps at least this many revisions. Default 10,000. */
  compactMinRetain?: number;
  /** How often to compact. Default 5 min. 0 disables. */
  compactIntervalMs?: number;
  podStreamer?: PodStreamer;
}

/** The core takes streams; main() listens (house style). */
export interface ApiServer {
  /** Installs built-in namespaces and CRDs, starts compaction; resolves after `signal` aborts and every watch is closed. */
  start(signal: AbortSignal): Promise<void>;
  /** Resolves once start() has installed the built-ins and the server can take requests. */
  ready(): Promise<void>;
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}
