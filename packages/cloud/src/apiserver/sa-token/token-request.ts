import { randomUUID } from 'node:crypto';
import { ApiError, badRequest, invalid, type FieldError, type KubeObject } from '@kedge/api';
import { decodeObjectBody, readBody } from '../body.js';
import type { RequestContext, ResourceRequest, ServerCore } from '../request-context.js';
import { writeJson } from '../status.js';
import { formatTime } from '../time.js';
import { keyId, signJwt } from './jwt.js';
import { DEFAULT_SA_AUDIENCES, DEFAULT_SA_ISSUER, DEFAULT_TOKEN_SECONDS, MAX_TOKEN_SECONDS, MIN_TOKEN_SECONDS, type ServiceAccountTokenOptions } from './options.js';

const GROUP = 'authentication.k8s.io';
const boundKinds = new Map([['Pod', 'pods'], ['Secret', 'secrets']]);

interface BoundRef {
  kind: string;
  apiVersion: string;
  name: string;
  uid: string;
}

interface TokenSpec {
  audiences: string[];
  expirationSeconds: number;
  boundObjectRef?: { kind?: unknown; apiVersion?: unknown; name?: unknown; uid?: unknown };
}

/** Checks the TokenRequest body's spec; 422 with one cause per bad field (upstream's ValidateTokenRequest). */
function parseSpec(body: Record<string, unknown>, name: string, defaults: string[]): TokenSpec {
  const spec = (body.spec ?? {}) as Record<string, unknown>;
  const causes: FieldError[] = [];
  if (typeof spec !== 'object' || Array.isArray(spec)) throw badRequest('TokenRequest.spec must be an object');
  let audiences = defaults;
  if (spec.audiences !== undefined && spec.audiences !== null) {
    if (!Array.isArray(spec.audiences) || spec.audiences.some((a) => typeof a !== 'string' || a === '')) {
      causes.push({ field: 'spec.audiences', reason: 'FieldValueInvalid', message: 'must be a list of non-empty strings' });
    } else if (spec.audiences.length > 0) audiences = spec.audiences as string[];
  }
  let seconds = DEFAULT_TOKEN_SECONDS;
  const e = spec.expirationSeconds;
  if (e !== undefined && e !== null) {
    if (typeof e !== 'number' || !Number.isInteger(e)) causes.push({ field: 'spec.expirationSeconds', reason: 'FieldValueInvalid', message: 'must be an integer' });
    else if (e < MIN_TOKEN_SECONDS) causes.push({ field: 'spec.expirationSeconds', reason: 'FieldValueInvalid', message: 'may not specify a duration less than 10 minutes' });
    else if (e > 2 ** 32) causes.push({ field: 'spec.expirationSeconds', reason: 'FieldValueInvalid', message: 'may not specify a duration larger than 2^32 seconds' });
    else seconds = Math.min(e, MAX_TOKEN_SECONDS);
  }
  const ref = spec.boundObjectRef;
  if (ref !== undefined && ref !== null) {
    const r = ref as Record<string, unknown>;
    if (typeof ref !== 'object' || Array.isArray(ref)) causes.push({ field: 'spec.boundObjectRef', reason: 'FieldValueInvalid', message: 'must be an object' });
    else {
      if (typeof r.kind !== 'string' || !boundKinds.has(r.kind)) causes.push({ field: 'spec.boundObjectRef.kind', reason: 'FieldValueNotSupported', message: 'supported values: "Pod", "Secret"' });
      if (r.apiVersion !== undefined && r.apiVersion !== '' && r.apiVersion !== 'v1') causes.push({ field: 'spec.boundObjectRef.apiVersion', reason: 'FieldValueNotSupported', message: 'supported values: "v1"' });
      if (typeof r.name !== 'string' || r.name === '') causes.push({ field: 'spec.boundObjectRef.name', reason: 'FieldValueRequired', message: 'Required value' });
      if (r.uid !== undefined && r.uid !== '' && typeof r.uid !== 'string') causes.push({ field: 'spec.boundObjectRef.uid', reason: 'FieldValueInvalid', message: 'must be a string' });
    }
  }
  if (causes.length) throw invalid('TokenRequest', name, causes, GROUP);
  return { audiences, expirationSeconds: seconds, ...(ref ? { boundObjectRef: ref as TokenSpec['boundObjectRef'] } : {}) };
}

async function lookup(core: ServerCore, plural: string, namespace: string, name: string): Promise<KubeObject | undefined> {
  return (await core.store.get(core.registry.lookup('', 'v1', plural)!, namespace, name))?.obj;
}

/** The bound object, which must exist (and have the requested uid) when the token is issued. */
async function resolveBound(core: ServerCore, namespace: string, ref: NonNullable<TokenSpec['boundObjectRef']>): Promise<BoundRef> {
  const kind = String(ref.kind);
  const name = String(ref.name);
  const plural = boundKinds.get(kind)!;
  const obj = await lookup(core, plural, namespace, name);
  if (!obj || obj.metadata.deletionTimestamp) throw new ApiError('NotFound', `${plural} "${name}" not found`, { details: { name, kind: plural } });
  if (typeof ref.uid === 'string' && ref.uid !== '' && ref.uid !== obj.metadata.uid) {
    throw new ApiError('Conflict', `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  return { kind, apiVersion: 'v1', name, uid: String(obj.metadata.uid) };
}

/** POST serviceaccounts/{name}/token: a signed, expiring, audience-scoped JWT for the ServiceAccount. */
export async function handleTokenRequest(ctx: RequestContext, r: ResourceRequest, opts: ServiceAccountTokenOptions | undefined): Promise<void> {
  if (!opts) throw new ApiError('ServiceUnavailable', 'service account token issuing is not configured on this server');
  const namespace = r.namespace!;
  const name = r.name!;
  const body = decodeObjectBody(ctx.req, await readBody(ctx.req, ctx.core.opts.maxBodyBytes));
  if (body.kind !== undefined && body.kind !== 'TokenRequest') throw badRequest(`the kind of the object (${String(body.kind)}) does not match the expected kind TokenRequest`);
  const meta = (body.metadata ?? {}) as { namespace?: unknown };
  if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const spec = parseSpec(body, name, opts.audiences ?? DEFAULT_SA_AUDIENCES);
  const sa = await lookup(ctx.core, 'serviceaccounts', namespace, name);
  if (!sa) throw new ApiError('NotFound', `serviceaccounts "${name}" not found`, { details: { name, kind: 'serviceaccounts' } });
  const bound = spec.boundObjectRef ? await resolveBound(ctx.core, namespace, spec.boundObjectRef) : undefined;

  const iat = Math.floor(ctx.core.now().getTime() / 1000);
  const exp = iat + spec.expirationSeconds;
  const k8s: Record<string, unknown> = { namespace, serviceaccount: { name, uid: sa.metadata.uid } };
  if (bound) k8s[bound.kind === 'Pod' ? 'pod' : 'secret'] = { name: bound.name, uid: bound.uid };
  const claims = {
    aud: spec.audiences, exp, iat, nbf: iat, iss: opts.issuer ?? DEFAULT_SA_ISSUER, jti: randomUUID(),
    sub: `system:serviceaccount:${namespace}:${name}`, 'kubernetes.io': k8s,
  };
  const token = signJwt(claims, opts.key.privateKey, keyId(opts.key.publicKey));
  writeJson(ctx.res, 201, {
    kind: 'TokenRequest', apiVersion: `${GROUP}/v1`,
    metadata: { name, namespace, creationTimestamp: null },
    spec: { audiences: spec.audiences, expirationSeconds: spec.expirationSeconds, boundObjectRef: bound ?? null },
    status: { token, expirationTimestamp: formatTime(new Date(exp * 1000)) },
  });
}
