import type { KubeObject } from '@kedge/api';
import { toTable, type PrinterColumn } from './printers/index.js';
import type { RequestContext } from './request-context.js';
import { wantsTable, warningHeader } from './request-context.js';
import type { ResourceDef } from './registry/types.js';
import { writeJson } from './status.js';

export function includeObjectPolicy(q: URLSearchParams): 'None' | 'Metadata' | 'Object' {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

export function tableFor(ctx: RequestContext, def: ResourceDef, objs: KubeObject[], extra: { resourceVersion?: string; continue?: string; noHeaders?: boolean } = {}): unknown {
  return toTable(def.selectorResource, objs, {
    now: ctx.core.now().getTime(),
    includeObject: includeObjectPolicy(ctx.query),
    ...(def.printerColumns ? { crdColumns: def.printerColumns as PrinterColumn[] } : {}),
    ...extra,
  });
}

/** One object as JSON, or as a one-row Table when the client asked for Table output. */
export function respondObject(ctx: RequestContext, code: number, def: ResourceDef, obj: KubeObject): void {
  const headers = warningHeader(ctx.warnings);
  if (wantsTable(ctx.req)) {
    writeJson(ctx.res, code, tableFor(ctx, def, [obj], { resourceVersion: String(obj.metadata.resourceVersion ?? '') }), headers);
    return;
  }
  writeJson(ctx.res, code, obj, headers);
}
