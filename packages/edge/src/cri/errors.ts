import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';

/** gRPC status names by code (grpc/doc/statuscodes.md). */
const codeNames: Record<number, string> = Object.fromEntries(
  Object.entries(GrpcStatus)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v as number, k]),
);

/**
 * A failed CRI call: the gRPC status code and the runtime's message. The edge's pod logic branches on
 * the code (a NotFound container is gone, not an error), so it is kept as data rather than text.
 */
export class CriError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly method: string;
  readonly isCriError = true;

  constructor(method: string, code: number, details: string, opts?: { cause?: unknown }) {
    const codeName = codeNames[code] ?? `CODE_${code}`;
    super(`cri ${method}: ${codeName}: ${details}`, opts);
    this.name = 'CriError';
    this.method = method;
    this.code = code;
    this.codeName = codeName;
  }

  static fromServiceError(method: string, err: ServiceError): CriError {
    return new CriError(method, err.code ?? GrpcStatus.UNKNOWN, err.details || err.message, { cause: err });
  }
}

export function isCriError(e: unknown): e is CriError {
  return typeof e === 'object' && e !== null && (e as { isCriError?: unknown }).isCriError === true;
}

export function isNotFound(e: unknown): boolean {
  return isCriError(e) && e.code === GrpcStatus.NOT_FOUND;
}

/** The runtime could not be reached (socket missing, daemon down) or did not answer in time. */
export function isUnavailable(e: unknown): boolean {
  return isCriError(e) && (e.code === GrpcStatus.UNAVAILABLE || e.code === GrpcStatus.DEADLINE_EXCEEDED);
}
