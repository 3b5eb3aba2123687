import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from '@kedge/api';

// KubeEdge's join token (kubeedge pkg/security/token): "<hex sha256(CA DER)>.<JWT>", the JWT being
// HS256 keyed by the CA private key's DER bytes with only an `exp` claim. Verification is signature +
// exp alone, so every token issued before a refresh stays valid until it expires.

const JWT_HEADER = { alg: 'HS256', typ: 'JWT' };

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function caHash(caDer: Uint8Array): string {
  return createHash('sha256').update(caDer).digest('hex');
}

function sign(signingInput: string, caKeyDer: Uint8Array): Buffer {
  return createHmac('sha256', caKeyDer).update(signingInput).digest();
}

/** A full join token valid for `ttlMs` from `now` (ms since epoch). */
export function createToken(caDer: Uint8Array, caKeyDer: Uint8Array, ttlMs: number, now: number = Date.now()): string {
  const exp = Math.floor((now + ttlMs) / 1000);
  const input = `${b64url(JSON.stringify(JWT_HEADER))}.${b64url(JSON.stringify({ exp }))}`;
  return `${caHash(caDer)}.${input}.${sign(input, caKeyDer).toString('base64url')}`;
}

export interface TokenClaims {
  /** Expiry, seconds since epoch. */
  exp: number;
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the one error below
  }
  throw new ApiError('Unauthorized', `token ${what} is not base64url JSON`);
}

/**
 * Checks the JWT part of a join token: HS256 only, signature under the CA key, `exp` in the future.
 * Throws an Unauthorized ApiError whose message names the cause.
 */
export function verifyToken(jwt: string, caKeyDer: Uint8Array, now: number = Date.now()): TokenClaims {
  const parts = jwt.split('.');
  if (parts.length !== 3 || parts.some((p) => p === '' || !/^[A-Za-z0-9_-]+$/.test(p))) {
    throw new ApiError('Unauthorized', 'token is malformed: want header.payload.signature in base64url');
  }
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h, 'header');
  // Refusing anything but HS256 closes the "alg: none" and key-confusion holes.
  if (header.alg !== 'HS256') throw new ApiError('Unauthorized', `token algorithm ${JSON.stringify(header.alg)} is not HS256`);
  const want = sign(`${h}.${p}`, caKeyDer);
  const got = Buffer.from(s, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) {
    throw new ApiError('Unauthorized', 'token signature is invalid (not issued by this cloud)');
  }
  const claims = decodeJson(p, 'payload');
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) throw new ApiError('Unauthorized', 'token has no exp claim');
  if (claims.exp * 1000 <= now) {
    throw new ApiError('Unauthorized', `token expired at ${new Date(claims.exp * 1000).toISOString()}`);
  }
  return { exp: claims.exp };
}

/** Splits "<cahash>.<jwt>"; the error says which part is wrong. */
export function parseJoinToken(token: string): { caHash: string; jwt: string } {
  const t = token.trim();
  const dot = t.indexOf('.');
  if (dot < 0) throw new ApiError('BadRequest', 'malformed token: want <sha256 of the CA, hex>.<jwt>, found no "."');
  const hash = t.slice(0, dot);
  const jwt = t.slice(dot + 1);
  if (!/^[0-9a-f]{64}$/i.test(hash)) throw new ApiError('BadRequest', `malformed token: the CA hash part must be 64 hex digits, got ${hash.length} characters`);
  if (jwt.split('.').length !== 3) throw new ApiError('BadRequest', 'malformed token: the jwt part must have 3 dot-separated segments');
  return { caHash: hash.toLowerCase(), jwt };
}
