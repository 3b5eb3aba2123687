import type { Status, StatusCause, StatusDetails } from './meta.js';

/** Kubernetes StatusReason values kedge uses, with their HTTP codes (apimachinery metav1 types). */
export const reasonCodes = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
} as const;

export type StatusReason = keyof typeof reasonCodes;

export interface ApiErrorOptions {
  code?: number;
  details?: StatusDetails;
  cause?: unknown;
}

/**
 * The one error type that crosses module boundaries. `reason` mirrors Kubernetes' StatusReason, so an
 * ApiError maps 1:1 onto a Status body and an HTTP code. Bugs stay plain Errors.
 */
export class ApiError extends Error {
  readonly reason: StatusReason;
  readonly code: number;
  readonly details?: StatusDetails;
  // Marker instead of instanceof: duplicate package copies and realms break instanceof.
  readonly isApiError = true;

  constructor(reason: StatusReason, message: string, opts: ApiErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ApiError';
    this.reason = reason;
    this.code = opts.code ?? reasonCodes[reason];
    this.details = opts.details;
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }

  /** Rebuild from a Status body received from an API server. */
  static fromStatus(status: Partial<Status>, httpCode?: number): ApiError {
    const reason = (status.reason && status.reason in reasonCodes ? status.reason : codeToReason(status.code ?? httpCode ?? 500)) as StatusReason;
    return new ApiError(reason, status.message ?? reason, { code: status.code ?? httpCode, details: status.details });
  }
}

export function codeToReason(code: number): StatusReason {
  switch (code) {
    case 400: return 'BadRequest';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 405: return 'MethodNotAllowed';
    case 406: return 'NotAcceptable';
    case 409: return 'Conflict';
    case 410: return 'Expired';
    case 413: return 'RequestEntityTooLarge';
    case 415: return 'UnsupportedMediaType';
    case 422: return 'Invalid';
    case 429: return 'TooManyRequests';
    case 503: return 'ServiceUnavailable';
    case 504: return 'Timeout';
    default: return 'InternalError';
  }
}

export function isApiError(e: unknown): e is ApiError {
  return typeof e === 'object' && e !== null && (e as { isApiError?: unknown }).isApiError === true;
}
const is = (reason: StatusReason) => (e: unknown): boolean => isApiError(e) && e.reason === reason;
export const isNotFound = is('NotFound');
export const isAlreadyExists = is('AlreadyExists');
export const isConflict = is('Conflict');
export const isInvalid = is('Invalid');
export const isForbidden = is('Forbidden');
export const isExpired = (e: unknown): boolean => isApiError(e) && (e.reason === 'Expired' || e.reason === 'Gone' || e.code === 410);

/** `pods "x" not found` / `deployments.apps "x" not found`, as upstream words it. */
export function qualifiedResource(resource: string, group?: string): string {
  return group ? `${resource}.${group}` : resource;
}

export function notFound(resource: string, name: string, group?: string): ApiError {
  return new ApiError('NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, {
    details: { name, kind: resource, ...(group ? { group } : {}) },
  });
}

export function alreadyExists(resource: string, name: string, group?: string): ApiError {
  return new ApiError('AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`, {
    details: { name, kind: resource, ...(group ? { group } : {}) },
  });
}

export function conflict(resource: string, name: string, group?: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
  return new ApiError('Conflict', `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`, {
    details: { name, kind: resource, ...(group ? { group } : {}) },
  });
}

export interface FieldError extends StatusCause {
  field: string;
  /** FieldValueRequired, FieldValueInvalid, FieldValueNotSupported, FieldValueDuplicate, FieldValueForbidden, FieldValueTypeInvalid, FieldValueTooLong */
  reason: string;
  message: string;
}

/** 422 Invalid with one cause per bad field; the message lists them the way upstream does. */
export function invalid(kind: string, name: string, causes: FieldError[], group?: string): ApiError {
  const summary = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  return new ApiError('Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`, {
    details: { name, kind, ...(group ? { group } : {}), causes },
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError('BadRequest', message);
}

export function expired(message: string): ApiError {
  return new ApiError('Expired', message);
}
