import { isNotFound, type KubeObject } from '@kedge/api';
import { mediaType, parseJson, parseYamlBody, readBody } from '../body.js';
import { ResourceStore } from '../resource-store.js';
import { respondObject } from '../output.js';
import type { RequestContext, ResourceRequest } from '../request-context.js';
import { applyPatchDoc, patchKindOf } from './patch-apply.js';
import { patchScale } from './scale.js';
import { writeOptions } from './write-options.js';

export async function handlePatch(ctx: RequestContext, r: ResourceRequest): Promise<void> {
  const kind = patchKindOf(mediaType(ctx.req));
  const opts = writeOptions(ctx);
  const buf = await readBody(ctx.req, ctx.core.opts.maxBodyBytes);
  const patch = kind === 'apply' ? parseYamlBody(buf) : parseJson(buf);
  if (kind === 'strategic') applyPatchDoc(kind, r.def, { metadata: {} }, {}); // 415 for CRs before touching storage
  if (r.subresource === 'scale') return patchScale(ctx, r, kind, patch, opts);
  const store = new ResourceStore(ctx.core);
  const sub = r.subresource === 'status' ? 'status' : undefined;
  try {
    const obj = await store.update(r.def, r.namespace, r.name!, (cur) => applyPatchDoc(kind, r.def, cur, patch), { ...opts, ...(sub ? { subresource: sub } : {}) });
    respondObject(ctx, 200, r.def, obj);
  } catch (e) {
    // Server-side apply of a missing object creates it (kubectl apply --server-side answers 201).
    if (kind === 'apply' && isNotFound(e) && !sub && typeof patch === 'object' && patch !== null) {
      const body = structuredClone(patch) as KubeObject;
      body.metadata = { ...(body.metadata ?? {}), name: r.name! };
      const obj = await store.create(r.def, r.namespace, body, opts);
      respondObject(ctx, 201, r.def, obj);
      return;
    }
    throw e;
  }
}
