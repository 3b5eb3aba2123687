import { decodeObjectBody, readBody } from '../body.js';
import { ResourceStore } from '../resource-store.js';
import { respondObject } from '../output.js';
import type { RequestContext, ResourceRequest } from '../request-context.js';
import { writeOptions } from './write-options.js';

/** PUT of the main resource, /status or namespaces' /finalize. PUT without resourceVersion is unconditional. */
export async function handleUpdate(ctx: RequestContext, r: ResourceRequest): Promise<void> {
  const opts = writeOptions(ctx);
  const body = decodeObjectBody(ctx.req, await readBody(ctx.req, ctx.core.opts.maxBodyBytes));
  const sub = r.subresource === 'status' || r.subresource === 'finalize' ? r.subresource : undefined;
  const obj = await new ResourceStore(ctx.core).update(r.def, r.namespace, r.name!, () => structuredClone(body) as never, { ...opts, ...(sub ? { subresource: sub } : {}) });
  respondObject(ctx, 200, r.def, obj);
}
