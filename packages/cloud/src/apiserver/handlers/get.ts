import { notFound } from '@kedge/api';
import type { RequestContext, ResourceRequest } from '../request-context.js';
import { respondObject } from '../output.js';

export async function handleGet(ctx: RequestContext, r: ResourceRequest): Promise<void> {
  const { def } = r;
  const got = await ctx.core.store.get(def, r.namespace, r.name!);
  if (!got) throw notFound(def.plural, r.name!, def.group || undefined);
  respondObject(ctx, 200, def, got.obj);
}
