import { randomUUID } from 'node:crypto';
import { ApiError, alreadyExists, badRequest, conflict, invalid, notFound, wellKnown, type FieldError, type KubeObject } from '@kedge/api';
import { applyDefaults, validateValue } from '@kedge/api/schema/index.js';
import { isStorageError } from '../storage/types.js';
import { generateNameSuffix, validateName, type NameRule } from './names.js';
import { encodeObject, objectKeyFor } from './object-store.js';
import { pruneFields } from './prune.js';
import type { FieldValidation, ServerCore } from './request-context.js';
import { apiVersionOfDef, type ResourceDef, type StrategyContext } from './registry/types.js';
import { formatTime, normaliseTimes } from './time.js';

export interface WriteOptions {
  dryRun: boolean;
  validation: FieldValidation;
  /** Collects `unknown field` warnings for fieldValidation=Warn. */
  warnings: string[];
}

export interface UpdateOptions extends WriteOptions {
  /** 'status' writes only .status; 'finalize' only spec.finalizers; undefined is the main resource. */
  subresource?: 'status' | 'finalize';
  /** Skip the schema check (scale/binding build the object themselves). */
  trusted?: boolean;
  /** Server-internal write (pods/binding): may change spec and status together, skips update validation. */
  internal?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const maxRetries = 16;

function nameRule(def: ResourceDef): NameRule {
  if (def.group === '' && def.plural === 'namespaces') return 'label';
  if (def.group === '' && def.plural === 'services') return 'dns1035';
  return 'subdomain';
}

/** The fields whose change bumps metadata.generation. */
function specPart(def: ResourceDef, obj: KubeObject): string {
  const { metadata: _m, status, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(def.hasStatus ? rest : { ...rest, status });
}

/**
 * Every write of every resource goes through here: type checks, field validation/pruning, defaulting,
 * validation, metadata bookkeeping, generation, status isolation, finalizers and dry-run.
 */
export class ResourceStore {
  constructor(private readonly core: ServerCore) {}

  private ctx(dryRun: boolean, old?: KubeObject): StrategyContext {
    return { store: this.core.store, dryRun, now: this.core.now(), ...(old ? { old } : {}) };
  }

  /** kind/apiVersion in a body must name this resource (400 otherwise); fills them when absent. */
  checkTypeMeta(def: ResourceDef, obj: Record<string, any>): asserts obj is KubeObject {
    const apiVersion = apiVersionOfDef(def);
    if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== def.kind) {
      throw badRequest(`the kind of the object (${String(obj.kind)}) does not match the expected kind ${def.kind} for ${def.plural}`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== apiVersion) {
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`);
    }
    obj.apiVersion = apiVersion;
    obj.kind = def.kind;
    if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
    if (!isObj(obj.metadata)) throw badRequest('metadata must be an object');
  }

  /** fieldValidation: unknown fields → 400 (Strict) / Warning (Warn); always pruned. Schema errors → 422. */
  checkFields(def: ResourceDef, obj: KubeObject, opts: WriteOptions): void {
    if (!def.schema) return;
    const { errors, unknownFields } = validateValue(obj, def.schema, def.components, {});
    if (unknownFields.length > 0) {
      if (opts.validation === 'Strict') throw badRequest(`strict decoding error: ${unknownFields.map((f) => `unknown field "${f}"`).join(', ')}`);
      if (opts.validation === 'Warn') opts.warnings.push(...unknownFields.map((f) => `unknown field "${f}"`));
      pruneFields(obj, unknownFields);
    }
    if (errors.length > 0) throw this.invalid(def, obj, errors);
  }

  private invalid(def: ResourceDef, obj: KubeObject, errs: FieldError[]): ApiError {
    return invalid(def.kind, String(obj.metadata?.name ?? obj.metadata?.generateName ?? ''), errs, def.group || undefined);
  }

  private async strategy(def: ResourceDef, obj: KubeObject, ctx: StrategyContext, skipUpdateChecks = false): Promise<void> {
    if (def.defaults) await def.defaults(obj, ctx);
    if (def.crdName && def.schema) applyDefaults(obj, def.schema, def.components);
    const errs: FieldError[] = [];
    if (!obj.metadata.generateName || obj.metadata.name) errs.push(...validateName(obj.metadata.name, nameRule(def), 'metadata.name'));
    if (def.validate) errs.push(...def.validate(obj, ctx));
    if (ctx.old && def.validateUpdate && !skipUpdateChecks) errs.push(...def.validateUpdate(obj, ctx.old, ctx));
    if (errs.length > 0) throw this.invalid(def, obj, errs);
    normaliseTimes(def.kind, def.group, obj);
  }

  private resolveNamespace(def: ResourceDef, obj: KubeObject, urlNs: string | undefined): void {
    if (!def.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    const bodyNs = obj.metadata.namespace;
    if (bodyNs && urlNs && bodyNs !== urlNs) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    const ns = urlNs || bodyNs;
    if (!ns) throw badRequest('a namespace must be specified for a namespaced resource');
    obj.metadata.namespace = ns;
  }

  private async checkNamespaceWritable(def: ResourceDef, ns: string | undefined): Promise<void> {
    if (!def.namespaced || !ns) return;
    const nsDef = this.core.registry.lookup('', 'v1', 'namespaces')!;
    const got = await this.core.store.get(nsDef, undefined, ns);
    if (!got) throw notFound('namespaces', ns);
    if (got.obj.metadata.deletionTimestamp || got.obj.status?.phase === 'Terminating') {
      throw new ApiError('Forbidden', `${def.plural}${def.group ? `.${def.group}` : ''} "" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
        details: { kind: def.plural, ...(def.group ? { group: def.group } : {}), causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }] },
      });
    }
  }

  async create(def: ResourceDef, urlNs: string | undefined, body: Record<string, any>, opts: WriteOptions): Promise<KubeObject> {
    this.checkTypeMeta(def, body);
    const obj = body;
    this.resolveNamespace(def, obj, urlNs);
    this.checkFields(def, obj, opts);
    const meta = obj.metadata;
    for (const f of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink']) delete meta[f];
    meta.uid = randomUUID();
    meta.creationTimestamp = formatTime(this.core.now());
    if (def.generation) meta.generation = 1;
    else delete meta.generation;
    if (def.initialStatus) obj.status = def.initialStatus(obj);
    else if (def.hasStatus && def.crdName) delete obj.status;
    if (!meta.name && !meta.generateName) {
      throw this.invalid(def, obj, [{ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' }]);
    }
    const generated = !meta.name;
    if (generated) meta.name = `${String(meta.generateName)}${generateNameSuffix()}`;
    await this.strategy(def, obj, this.ctx(opts.dryRun));
    await this.checkNamespaceWritable(def, meta.namespace);
    for (let attempt = 0; ; attempt++) {
      const key = objectKeyFor(def, meta.namespace, String(meta.name));
      try {
        if (opts.dryRun) {
          if (await this.core.backend.get(key)) throw alreadyExists(def.plural, String(meta.name), def.group || undefined);
          return obj;
        }
        const rev = await this.core.backend.create(key, encodeObject(obj));
        meta.resourceVersion = String(rev);
        return obj;
      } catch (e) {
        const exists = isStorageError(e, 'exists') || (e as ApiError).reason === 'AlreadyExists';
        if (!exists) throw e;
        // KEP-4420: a generated name that collides is retried, up to 7 more times.
        if (generated && attempt < 7) {
          meta.name = `${String(meta.generateName)}${generateNameSuffix()}`;
          continue;
        }
        throw alreadyExists(def.plural, String(meta.name), def.group || undefined);
      }
    }
  }

  /**
   * Read-modify-write with optimistic concurrency. `mutate` gets a private copy of the current object
   * and returns the desired one; a `metadata.resourceVersion` in it is a precondition (409 when stale).
   */
  async update(def: ResourceDef, ns: string | undefined, name: string, mutate: (cur: KubeObject) => KubeObject | Promise<KubeObject>, opts: UpdateOptions): Promise<KubeObject> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.core.store.get(def, ns, name);
      if (!cur) throw notFound(def.plural, name, def.group || undefined);
      const old = cur.obj;
      const mutated = await mutate(structuredClone(old));
      if (!isObj(mutated)) throw badRequest('the body of the request must be a JSON object');
      this.checkTypeMeta(def, mutated);
      let next: KubeObject = mutated;
      const wantRV = next.metadata.resourceVersion;
      if (wantRV !== undefined && wantRV !== '' && String(wantRV) !== old.metadata.resourceVersion) throw conflict(def.plural, name, def.group || undefined);
      if (next.metadata.name !== undefined && next.metadata.name !== name) {
        throw badRequest(`the name of the object (${String(next.metadata.name)}) does not match the name on the URL (${name})`);
      }
      if (def.namespaced && next.metadata.namespace && next.metadata.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (!opts.trusted) this.checkFields(def, next, opts);
      if (opts.subresource === 'status') {
        const status = next.status;
        next = structuredClone(old);
        next.status = status;
      } else if (opts.subresource === 'finalize') {
        const fin = next.spec?.finalizers;
        next = structuredClone(old);
        next.spec = { ...(next.spec ?? {}), finalizers: Array.isArray(fin) ? fin : [] };
      } else if (def.hasStatus && !opts.internal) {
        next.status = old.status;
        if (next.status === undefined) delete next.status;
      }
      const m = next.metadata;
      const om = old.metadata;
      m.name = name;
      if (def.namespaced) m.namespace = ns;
      else delete m.namespace;
      m.uid = om.uid;
      m.creationTimestamp = om.creationTimestamp;
      for (const f of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
        if (om[f] === undefined) delete m[f];
        else m[f] = om[f] as never;
      }
      delete m.selfLink;
      if (om.deletionTimestamp) {
        const before = new Set(om.finalizers ?? []);
        const added = (m.finalizers ?? []).filter((f) => !before.has(f));
        if (added.length > 0) {
          throw this.invalid(def, next, [{ field: 'metadata.finalizers', reason: 'FieldValueForbidden', message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}` }]);
        }
      }
      def.prepareUpdate?.(next, old);
      await this.strategy(def, next, this.ctx(opts.dryRun, old), opts.internal);
      if (def.generation && specPart(def, next) !== specPart(def, old)) m.generation = (Number(om.generation) || 0) + 1;
      m.resourceVersion = om.resourceVersion;
      const text = encodeObject(next);
      if (text === encodeObject(old)) return next;
      const key = objectKeyFor(def, ns, name);
      if (shouldDeleteDuringUpdate(def, next)) {
        if (opts.dryRun) return next;
        try {
          const { revision } = await this.core.backend.delete(key, cur.kv.modRevision);
          m.resourceVersion = String(revision);
          return next;
        } catch (e) {
          if (isStorageError(e, 'conflict') && !wantRV && attempt < maxRetries) continue;
          throw e;
        }
      }
      if (opts.dryRun) return next;
      try {
        const rev = await this.core.backend.update(key, text, cur.kv.modRevision);
        m.resourceVersion = String(rev);
        return next;
      } catch (e) {
        if (isStorageError(e, 'conflict')) {
          if (!wantRV && attempt < maxRetries) continue;
          throw conflict(def.plural, name, def.group || undefined);
        }
        if (isStorageError(e, 'not-found')) throw notFound(def.plural, name, def.group || undefined);
        throw e;
      }
    }
  }

  /** DELETE semantics of k8s-api.md §5: preconditions, finalizers, propagation, graceful pods, namespaces. */
  async delete(def: ResourceDef, ns: string | undefined, name: string, o: DeleteOptions): Promise<{ obj: KubeObject; deleted: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.core.store.get(def, ns, name);
      if (!cur) throw notFound(def.plural, name, def.group || undefined);
      const obj = cur.obj;
      const meta = obj.metadata;
      const pre = o.preconditions;
      if (pre?.uid && pre.uid !== meta.uid) {
        throw conflict(def.plural, name, def.group || undefined, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(meta.uid)}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
        throw conflict(def.plural, name, def.group || undefined, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${String(meta.resourceVersion)}`);
      }
      const next = structuredClone(obj);
      const nm = next.metadata;
      const fins = new Set(nm.finalizers ?? []);
      if (o.propagationPolicy === 'Foreground') fins.add(wellKnown.finalizerForeground);
      if (o.propagationPolicy === 'Orphan') fins.add(wellKnown.finalizerOrphan);
      if (fins.size > 0) nm.finalizers = [...fins];
      const now = this.core.now();
      let keep = fins.size > 0;
      if (def.group === '' && def.plural === 'namespaces') {
        if (meta.deletionTimestamp) {
          throw conflict(def.plural, name, undefined, 'The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.');
        }
        next.status = { ...(next.status ?? {}), phase: 'Terminating' };
        if ((next.spec?.finalizers ?? []).length > 0) keep = true;
        if (keep) {
          nm.deletionTimestamp = formatTime(now);
          nm.deletionGracePeriodSeconds = 0;
        }
      } else {
        const grace = this.graceFor(def, obj, o.gracePeriodSeconds);
        if (grace > 0) {
          const deadline = new Date(now.getTime() + grace * 1000);
          const curDeadline = meta.deletionTimestamp ? Date.parse(meta.deletionTimestamp) : Infinity;
          // A second graceful delete may only shorten the grace period.
          if (deadline.getTime() < curDeadline) {
            nm.deletionTimestamp = formatTime(deadline);
            nm.deletionGracePeriodSeconds = grace;
          }
          keep = true;
        } else if (keep) {
          nm.deletionTimestamp = meta.deletionTimestamp ?? formatTime(now);
          nm.deletionGracePeriodSeconds = 0;
        }
      }
      const key = objectKeyFor(def, ns, name);
      try {
        if (keep) {
          const text = encodeObject(next);
          if (o.dryRun || text === encodeObject(obj)) return { obj: next, deleted: false };
          const rev = await this.core.backend.update(key, text, cur.kv.modRevision);
          nm.resourceVersion = String(rev);
          return { obj: next, deleted: false };
        }
        if (o.dryRun) return { obj, deleted: true };
        const { revision } = await this.core.backend.delete(key, cur.kv.modRevision);
        meta.resourceVersion = String(revision);
        return { obj, deleted: true };
      } catch (e) {
        if ((isStorageError(e, 'conflict') || isStorageError(e, 'not-found')) && attempt < maxRetries) continue;
        throw e;
      }
    }
  }

  /** Bound, non-terminal pods are deleted gracefully; everything else (and grace 0) goes at once. */
  private graceFor(def: ResourceDef, obj: KubeObject, requested: number | undefined): number {
    if (!(def.group === '' && def.plural === 'pods')) return 0;
    if (!obj.spec?.nodeName) return 0;
    const phase = obj.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return 0;
    const g = requested ?? obj.spec?.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, Number(g) || 0);
  }
}

/** Upstream's ShouldDeleteDuringUpdate: being deleted, no finalizers left, no grace period running. */
function shouldDeleteDuringUpdate(def: ResourceDef, obj: KubeObject): boolean {
  const m = obj.metadata;
  if (!m.deletionTimestamp || (m.finalizers ?? []).length > 0) return false;
  if (def.group === '' && def.plural === 'namespaces') return (obj.spec?.finalizers ?? []).length === 0;
  return !m.deletionGracePeriodSeconds;
}
