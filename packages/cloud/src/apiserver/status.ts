import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { ApiError, isApiError, type Status } from '@kedge/api';
import type { Logger } from 'pino';
import { isStorageError } from '../storage/types.js';

/** Turns anything thrown while serving a request into an ApiError; unknown errors become 500. */
export function toApiError(e: unknown, log: Logger): ApiError {
  if (isApiError(e)) return e;
  if (isStorageError(e)) {
    switch (e.code) {
      case 'exists': return new ApiError('AlreadyExists', e.message);
      case 'not-found': return new ApiError('NotFound', e.message);
      case 'conflict': return new ApiError('Conflict', e.message);
      case 'compacted': return new ApiError('Expired', `too old resource version: ${e.message}`);
      case 'closed': return new ApiError('ServiceUnavailable', 'storage is closed');
    }
  }
  log.error({ err: e }, 'internal error serving request');
  return new ApiError('InternalError', `Internal error occurred: ${e instanceof Error ? e.message : String(e)}`);
}

export function writeJson(res: ServerResponse, code: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function writeStatus(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  if (err.details?.retryAfterSeconds) headers['Retry-After'] = String(err.details.retryAfterSeconds);
  writeJson(res, err.code, err.toStatus(), headers);
}

export function successStatus(code: number, details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}), code };
}

export function notFoundPath(): ApiError {
  return new ApiError('NotFound', 'the server could not find the requested resource');
}

export function methodNotAllowed(method: string): ApiError {
  return new ApiError('MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);
}
