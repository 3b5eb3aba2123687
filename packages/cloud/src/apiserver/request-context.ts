import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from '@kedge/api';
import type { Logger } from 'pino';
import type { Backend } from '../storage/types.js';
import type { ApiServerOptions, UserInfo } from './types.js';
import type { ObjectStore } from './object-store.js';
import type { Registry } from './registry/registry.js';
import type { ResourceDef } from './registry/types.js';
import type { WatchHub } from './watch-stream.js';

/** Shared server state handed to every handler (no globals). */
export interface ServerCore {
  backend: Backend;
  store: ObjectStore;
  registry: Registry;
  log: Logger;
  opts: Required<Pick<ApiServerOptions, 'maxBodyBytes' | 'bookmarkIntervalMs' | 'compactMinRetain' | 'compactIntervalMs'>> & ApiServerOptions;
  watches: WatchHub;
  now: () => Date;
}

/** A request resolved to a resource (see router.ts). */
export interface ResourceRequest {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Legacy `/watch/` path prefix. */
  watchPath: boolean;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  user: UserInfo | undefined;
  core: ServerCore;
  /** `Warning` header values collected while serving (fieldValidation=Warn). */
  warnings: string[];
}

export function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

export function queryInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid value for ${name}: ${JSON.stringify(v)}`);
  return n;
}

export function isDryRun(q: URLSearchParams): boolean {
  const all = q.getAll('dryRun');
  for (const v of all) if (v !== 'All') throw badRequest(`Invalid dryRun value: ${JSON.stringify(v)}: supported values: "All"`);
  return all.length > 0;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidation(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation must be one of Strict, Warn or Ignore, got ${JSON.stringify(v)}`);
}

/** Table output requested (kubectl get's Accept: `application/json;as=Table;v=v1;g=meta.k8s.io,...`). */
export function wantsTable(req: IncomingMessage): boolean {
  const accept = String(req.headers.accept ?? '');
  return /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function warningHeader(msgs: string[]): Record<string, string[]> {
  return msgs.length ? { Warning: msgs.map((m) => `299 - ${JSON.stringify(m)}`) } : {};
}
