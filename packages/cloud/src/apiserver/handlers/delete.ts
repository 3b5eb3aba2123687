import { badRequest, type KubeObject } from '@kedge/api';
import { decodeObjectBody, readBody } from '../body.js';
import { buildFilter } from '../filter.js';
import { decodeShared } from '../object-store.js';
import { ResourceStore, type DeleteOptions } from '../resource-store.js';
import { isDryRun, queryInt, type RequestContext, type ResourceRequest } from '../request-context.js';
import { apiVersionOfDef } from '../registry/types.js';
import { respondObject } from '../output.js';
import { writeJson } from '../status.js';
import { readList } from './list.js';

const policies = new Set(['Background', 'Foreground', 'Orphan']);

/** DeleteOptions from the body (JSON or protobuf) and query (`gracePeriodSeconds`, `propagationPolicy`, `dryRun`). */
export async function readDeleteOptions(ctx: RequestContext): Promise<DeleteOptions> {
  const buf = await readBody(ctx.req, ctx.core.opts.maxBodyBytes);
  const body: Record<string, any> = buf.length > 0 ? decodeObjectBody(ctx.req, buf) : {};
  const q = ctx.query;
  const grace = queryInt(q, 'gracePeriodSeconds') ?? (body.gracePeriodSeconds ?? undefined);
  let policy: string | undefined = q.get('propagationPolicy') ?? body.propagationPolicy ?? undefined;
  const orphan = q.get('orphanDependents') ?? body.orphanDependents;
  if (!policy && (orphan === true || orphan === 'true')) policy = 'Orphan';
  if (policy && !policies.has(policy)) throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  if (grace !== undefined && (typeof grace !== 'number' || grace < 0)) throw badRequest('gracePeriodSeconds must be a non-negative integer');
  const dryRunBody = Array.isArray(body.dryRun) && body.dryRun.includes('All');
  const pre = body.preconditions && typeof body.preconditions === 'object' ? body.preconditions : undefined;
  return {
    dryRun: isDryRun(q) || dryRunBody,
    ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
    ...(policy ? { propagationPolicy: policy } : {}),
    ...(pre ? { preconditions: { ...(pre.uid ? { uid: String(pre.uid) } : {}), ...(pre.resourceVersion ? { resourceVersion: String(pre.resourceVersion) } : {}) } } : {}),
  };
}

export async function handleDelete(ctx: RequestContext, r: ResourceRequest): Promise<void> {
  const opts = await readDeleteOptions(ctx);
  const { obj } = await new ResourceStore(ctx.core).delete(r.def, r.namespace, r.name!, opts);
  respondObject(ctx, 200, r.def, obj);
}

/** DELETE on a collection: deletes every object matching the selectors; answers the list of them. */
export async function handleDeleteCollection(ctx: RequestContext, r: ResourceRequest): Promise<void> {
  const opts = await readDeleteOptions(ctx);
  const filter = buildFilter(r.def, ctx.query);
  const page = await readList(ctx, r.def, r.namespace, filter);
  const store = new ResourceStore(ctx.core);
  const items: KubeObject[] = [];
  for (const kv of page.items) {
    const o = decodeShared(kv).obj;
    try {
      items.push((await store.delete(r.def, o.metadata.namespace, String(o.metadata.name), opts)).obj);
    } catch (e) {
      if ((e as { reason?: string }).reason !== 'NotFound') throw e;
    }
  }
  writeJson(ctx.res, 200, { kind: r.def.listKind, apiVersion: apiVersionOfDef(r.def), metadata: { resourceVersion: String(ctx.core.backend.currentRevision()) }, items });
}
