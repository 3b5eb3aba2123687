import { ApiError, badRequest, type KubeObject } from '@kedge/api';
import { isStorageError, type KeyValue } from '../../storage/types.js';
import { decodeContinue, encodeContinue } from '../continue-token.js';
import { buildFilter, type ObjectFilter } from '../filter.js';
import { collectionPrefix, decodeShared, jsonFor } from '../object-store.js';
import { tableFor } from '../output.js';
import { queryInt, wantsTable, type RequestContext, type ResourceRequest } from '../request-context.js';
import { apiVersionOfDef, type ResourceDef } from '../registry/types.js';
import { writeJson } from '../status.js';

export interface ListPage {
  items: KeyValue[];
  revision: number;
  continue?: string;
}

/** Parses resourceVersion/resourceVersionMatch/limit/continue into a storage read (k8s-api.md §7). */
export async function readList(ctx: RequestContext, def: ResourceDef, namespace: string | undefined, filter: ObjectFilter): Promise<ListPage> {
  const q = ctx.query;
  const limit = queryInt(q, 'limit');
  const cont = q.get('continue');
  const rv = q.get('resourceVersion');
  const rvm = q.get('resourceVersionMatch');
  if (rvm && rvm !== 'Exact' && rvm !== 'NotOlderThan') throw badRequest(`resourceVersionMatch: Unsupported value: "${rvm}": supported values: "Exact", "NotOlderThan"`);
  if (rvm && !rv) throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (rvm && cont) throw badRequest('resourceVersionMatch is forbidden when continue is provided');
  if (rv && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version "${rv}"`);
  let revision = 0;
  let after: string | undefined;
  if (cont) {
    const t = decodeContinue(cont);
    revision = t.rv;
    after = t.start;
  } else if (rv && rv !== '0' && (rvm === 'Exact' || (!rvm && limit !== undefined && limit > 0))) {
    revision = Number(rv);
  }
  if (revision > ctx.core.backend.currentRevision()) {
    throw new ApiError('Timeout', `Too large resource version: ${revision}, current: ${ctx.core.backend.currentRevision()}`, { code: 504, details: { retryAfterSeconds: 1 } });
  }
  const prefix = collectionPrefix(def, namespace);
  const items: KeyValue[] = [];
  const max = limit !== undefined && limit > 0 ? limit : undefined;
  let readRev = revision;
  try {
    for (;;) {
      const want = max === undefined ? undefined : max - items.length;
      const page = await ctx.core.backend.list(prefix, { ...(readRev ? { revision: readRev } : {}), ...(after !== undefined ? { after } : {}), ...(want !== undefined ? { limit: want } : {}) });
      readRev = page.revision;
      for (const kv of page.items) if (filter.all || filter.matches(decodeShared(kv).obj)) items.push(kv);
      if (page.items.length > 0) after = page.items[page.items.length - 1]!.key;
      if (!page.more) return { items, revision: readRev };
      if (max !== undefined && items.length >= max) return { items, revision: readRev, continue: encodeContinue(readRev, after!) };
    }
  } catch (e) {
    if (isStorageError(e, 'compacted')) {
      if (cont) throw new ApiError('Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      throw new ApiError('Expired', `too old resource version: ${revision} (${ctx.core.backend.compactRevision()})`);
    }
    throw e;
  }
}

export async function handleList(ctx: RequestContext, r: ResourceRequest): Promise<void> {
  const { def } = r;
  const filter = buildFilter(def, ctx.query);
  const page = await readList(ctx, def, r.namespace, filter);
  const meta = { resourceVersion: String(page.revision), ...(page.continue ? { continue: page.continue } : {}) };
  if (wantsTable(ctx.req)) {
    const objs: KubeObject[] = page.items.map((kv) => (def.multiVersion ? JSON.parse(jsonFor(def, kv)) as KubeObject : decodeShared(kv).obj));
    writeJson(ctx.res, 200, tableFor(ctx, def, objs, meta));
    return;
  }
  // Items are spliced in as their cached JSON text: no re-serialisation of large lists.
  const head = JSON.stringify({ kind: def.listKind, apiVersion: apiVersionOfDef(def), metadata: meta });
  const body = `${head.slice(0, -1)},"items":[${page.items.map((kv) => jsonFor(def, kv)).join(',')}]}`;
  writeJson(ctx.res, 200, body);
}
