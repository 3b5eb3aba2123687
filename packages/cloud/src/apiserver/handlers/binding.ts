import { badRequest, conflict, type KubeObject } from '@kedge/api';
import { decodeObjectBody, readBody } from '../body.js';
import { ResourceStore } from '../resource-store.js';
import type { RequestContext, ResourceRequest } from '../request-context.js';
import { successStatus, writeJson } from '../status.js';
import { formatTime } from '../time.js';
import { isDryRun } from '../request-context.js';

/** POST pods/binding: sets spec.nodeName and PodScheduled=True; 409 when already bound or deleting. */
export async function handleBinding(ctx: RequestContext, r: ResourceRequest): Promise<void> {
  const body = decodeObjectBody(ctx.req, await readBody(ctx.req, ctx.core.opts.maxBodyBytes));
  if (body.kind !== undefined && body.kind !== 'Binding') throw badRequest(`the kind of the object (${String(body.kind)}) does not match the expected kind Binding`);
  const target = (body.target ?? {}) as { name?: string; kind?: string };
  if (!target.name) throw badRequest('Binding target.name is required');
  if (target.kind && target.kind !== 'Node') throw badRequest('Binding target must be a Node');
  const bodyName = (body.metadata as { name?: string } | undefined)?.name;
  if (bodyName && bodyName !== r.name) throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${r.name!})`);
  const now = formatTime(ctx.core.now());
  await new ResourceStore(ctx.core).update(r.def, r.namespace, r.name!, (pod: KubeObject) => {
    if (pod.metadata.deletionTimestamp) throw conflict('pods', r.name!, undefined, `pod ${r.name!} is being deleted, cannot be assigned to a host`);
    if (pod.spec?.nodeName) throw conflict('pods', r.name!, undefined, `pod ${r.name!} is already assigned to node "${String(pod.spec.nodeName)}"`);
    pod.spec = { ...(pod.spec ?? {}), nodeName: target.name };
    const conds = ((pod.status?.conditions ?? []) as Array<{ type: string }>).filter((c) => c.type !== 'PodScheduled');
    conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now } as never);
    pod.status = { ...(pod.status ?? {}), conditions: conds };
    return pod;
  }, { dryRun: isDryRun(ctx.query), validation: 'Ignore', warnings: ctx.warnings, trusted: true, internal: true });
  writeJson(ctx.res, 201, successStatus(201));
}

/** POST pods/eviction (policy/v1 Eviction): no PodDisruptionBudgets here, so it is a delete. */
export async function handleEviction(ctx: RequestContext, r: ResourceRequest): Promise<void> {
  const opts = await readDeleteOptionsFromEviction(ctx);
  await new ResourceStore(ctx.core).delete(r.def, r.namespace, r.name!, opts);
  writeJson(ctx.res, 201, successStatus(201));
}

async function readDeleteOptionsFromEviction(ctx: RequestContext) {
  const buf = await readBody(ctx.req, ctx.core.opts.maxBodyBytes);
  const body: Record<string, any> = buf.length > 0 ? decodeObjectBody(ctx.req, buf) : {};
  const d = (body.deleteOptions ?? {}) as Record<string, any>;
  return {
    dryRun: isDryRun(ctx.query) || (Array.isArray(d.dryRun) && d.dryRun.includes('All')),
    ...(typeof d.gracePeriodSeconds === 'number' ? { gracePeriodSeconds: d.gracePeriodSeconds } : {}),
    ...(d.preconditions ? { preconditions: d.preconditions } : {}),
  };
}
