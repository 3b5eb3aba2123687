import { badRequest, notFound, type KubeObject } from '@kedge/api';
import { decodeObjectBody, readBody } from '../body.js';
import { ResourceStore, type WriteOptions } from '../resource-store.js';
import type { RequestContext, ResourceRequest } from '../request-context.js';
import type { ResourceDef } from '../registry/types.js';
import { writeJson } from '../status.js';
import { applyPatchDoc, type PatchKind } from './patch-apply.js';
import { writeOptions } from './write-options.js';

function getPath(obj: unknown, path: string): unknown {
  let cur: any = obj;
  for (const seg of path.replace(/^\./, '').split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[seg];
  }
  return cur;
}

function setPath(obj: Record<string, any>, path: string, value: unknown): void {
  const segs = path.replace(/^\./, '').split('.');
  let cur = obj;
  for (const seg of segs.slice(0, -1)) {
    if (cur[seg] === null || typeof cur[seg] !== 'object') cur[seg] = {};
    cur = cur[seg];
  }
  cur[segs[segs.length - 1]!] = value;
}

function selectorString(sel: any): string {
  if (typeof sel === 'string') return sel;
  const parts = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of (sel?.matchExpressions ?? []) as Array<{ key: string; operator: string; values?: string[] }>) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** autoscaling/v1 Scale view of a deployment, replicaset or CR with a scale subresource. */
export function toScale(def: ResourceDef, obj: KubeObject): KubeObject {
  const paths = def.scale ?? { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };
  const sel = def.scale ? (paths.labelSelectorPath ? getPath(obj, paths.labelSelectorPath) : undefined) : obj.spec?.selector;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
      uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: Number(getPath(obj, paths.specReplicasPath) ?? 0) },
    status: { replicas: Number(getPath(obj, paths.statusReplicasPath) ?? 0), ...(sel ? { selector: selectorString(sel) } : {}) },
  };
}

async function writeScale(ctx: RequestContext, r: ResourceRequest, desired: (scale: KubeObject) => KubeObject, opts: WriteOptions): Promise<void> {
  const def = r.def;
  const specPath = def.scale?.specReplicasPath ?? '.spec.replicas';
  const obj = await new ResourceStore(ctx.core).update(def, r.namespace, r.name!, (cur) => {
    const scale = desired(toScale(def, cur));
    if (scale.kind !== undefined && scale.kind !== 'Scale') throw badRequest(`the kind of the object (${String(scale.kind)}) does not match the expected kind Scale`);
    const replicas = scale.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw badRequest(`Scale.autoscaling "${r.name!}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
    }
    setPath(cur, specPath, replicas);
    // The Scale's resourceVersion, when given, is a precondition on the parent object.
    cur.metadata.resourceVersion = scale.metadata?.resourceVersion ?? cur.metadata.resourceVersion;
    return cur;
  }, { ...opts, trusted: true });
  writeJson(ctx.res, 200, toScale(def, obj));
}

export async function handleScale(ctx: RequestContext, r: ResourceRequest): Promise<void> {
  const method = ctx.req.method;
  if (method === 'GET') {
    const got = await ctx.core.store.get(r.def, r.namespace, r.name!);
    if (!got) throw notFound(r.def.plural, r.name!, r.def.group || undefined);
    writeJson(ctx.res, 200, toScale(r.def, got.obj));
    return;
  }
  const opts = writeOptions(ctx);
  const body = decodeObjectBody(ctx.req, await readBody(ctx.req, ctx.core.opts.maxBodyBytes));
  await writeScale(ctx, r, () => body as KubeObject, opts);
}

export async function patchScale(ctx: RequestContext, r: ResourceRequest, kind: PatchKind, patch: unknown, opts: WriteOptions): Promise<void> {
  await writeScale(ctx, r, (scale) => applyPatchDoc(kind === 'strategic' ? 'merge' : kind, undefined, scale, patch), opts);
}
