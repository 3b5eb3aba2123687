import type { FieldError, KubeObject } from '@kedge/api';
import type { JSONSchema, SchemaComponents } from '@kedge/api/schema/types.js';
import type { ObjectStore } from '../object-store.js';

/** Mutation hooks passed to a kind's strategy; `old` is set on updates. */
export interface StrategyContext {
  store: ObjectStore;
  /** Set for updates and subresource writes. */
  old?: KubeObject;
  dryRun: boolean;
  now: Date;
}

/** Where a CR's scale subresource reads/writes its numbers (CRD `subresources.scale`). */
export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/**
 * One served REST resource: naming for discovery and URLs, plus the strategy (defaulting, validation,
 * generation and status rules) every write goes through.
 */
export interface ResourceDef {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** 'status', 'scale', 'binding', 'log', 'exec', 'eviction', 'finalize'. */
  subresources: string[];
  /** With a status subresource, main writes keep the old status and /status writes only change status. */
  hasStatus: boolean;
  /** metadata.generation is kept and bumped when anything but metadata/status changes. */
  generation: boolean;
  /** Strategic merge patch allowed (built-ins only; CRs answer 415). */
  strategicMerge: boolean;
  /** Key of the type's schema in `components` (OpenAPI, field validation, SMP). */
  schemaName?: string;
  /** Schema root used for validation/defaulting/SMP (a $ref for built-ins, the CRD schema for CRs). */
  schema?: JSONSchema;
  components: SchemaComponents;
  /** CRD-only extras. */
  printerColumns?: unknown[];
  scale?: ScalePaths;
  /** CRD served in several versions: objects are converted (apiVersion only, conversion None) on read. */
  multiVersion?: boolean;
  /** The CRD that defines this resource (its name), for CRs. */
  crdName?: string;
  /** Storage prefix `/registry/<group|core>/<plural>/`. */
  storagePrefix: string;
  /** Selector resource name: plural for core, `group/plural` otherwise. */
  selectorResource: string;
  /** Status set at create (pods: Pending phase); undefined keeps what the client sent. */
  initialStatus?: (obj: KubeObject) => unknown;
  defaults?: (obj: KubeObject, ctx: StrategyContext) => void | Promise<void>;
  validate?: (obj: KubeObject, ctx: StrategyContext) => FieldError[];
  validateUpdate?: (obj: KubeObject, old: KubeObject, ctx: StrategyContext) => FieldError[];
  /** Carry server-owned values over from the old object on update (e.g. a service's clusterIP). */
  prepareUpdate?: (obj: KubeObject, old: KubeObject) => void;
  /** Extra field-selector fields beyond the selectors module's own table (CR: none). */
  extraFields?: string[];
}

export function apiVersionOfDef(def: Pick<ResourceDef, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
