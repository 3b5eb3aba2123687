import { decodeObjectBody, readBody } from '../body.js';
import { ResourceStore } from '../resource-store.js';
import { respondObject } from '../output.js';
import type { RequestContext, ResourceRequest } from '../request-context.js';
import { writeOptions } from './write-options.js';

export async function handleCreate(ctx: RequestContext, r: ResourceRequest): Promise<void> {
  const opts = writeOptions(ctx);
  const body = decodeObjectBody(ctx.req, await readBody(ctx.req, ctx.core.opts.maxBodyBytes));
  const obj = await new ResourceStore(ctx.core).create(r.def, r.namespace, body, opts);
  respondObject(ctx, 201, r.def, obj);
}
