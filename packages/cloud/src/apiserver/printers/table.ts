import type { KubeObject } from '@kedge/api';
import { builtinPrinters, type Printer } from './builtin.js';
import { customColumns, customRow } from './custom.js';
import { podColumns, podRow } from './pod.js';
import type { ColumnDefinition, IncludeObject, PrinterColumn, Table, TableRow } from './types.js';

const podPrinter: Printer = { columns: podColumns, row: (o, now) => podRow(o, now).cells };
const printers: Record<string, Printer> = { pods: podPrinter, ...builtinPrinters };

// Built-in groups, so callers may pass either `deployments` or `apps/deployments`.
const builtinGroups: Record<string, string> = {
  leases: 'coordination.k8s.io',
  deployments: 'apps',
  replicasets: 'apps',
  daemonsets: 'apps',
  customresourcedefinitions: 'apiextensions.k8s.io',
};

function printerFor(resource: string): Printer | undefined {
  const direct = printers[resource];
  if (direct) return direct;
  if (!resource.includes('/') && builtinGroups[resource]) return printers[`${builtinGroups[resource]}/${resource}`];
  // Core resources addressed as `/pods` or `v1/pods`-like keys.
  const slash = resource.lastIndexOf('/');
  if (slash >= 0 && (resource.slice(0, slash) === '' || resource.slice(0, slash) === 'core')) return printers[resource.slice(slash + 1)];
  return undefined;
}

/** Column definitions for `resource` (plural, `group/plural` for non-core); unknown ones print as custom resources. */
export function tableColumns(resource: string, crdColumns?: readonly PrinterColumn[]): ColumnDefinition[] {
  return printerFor(resource)?.columns ?? customColumns(crdColumns);
}

/** One row's cells, always with the priority-1 (wide) cells: kubectl hides them itself. */
export function tableRow(resource: string, obj: KubeObject, now: number, crdColumns?: readonly PrinterColumn[]): unknown[] {
  const p = printerFor(resource);
  return p ? p.row(obj, now) : customRow(obj, now, crdColumns);
}

export interface ToTableOptions {
  now: number;
  /** Default `Metadata`, as upstream. */
  includeObject?: IncludeObject;
  crdColumns?: readonly PrinterColumn[];
  /** Watch events after the first carry no column definitions. */
  noHeaders?: boolean;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

function partialMetadata(obj: KubeObject): unknown {
  const { managedFields: _drop, ...metadata } = obj.metadata ?? {};
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

/** meta.k8s.io/v1 Table for `kubectl get` (Accept `application/json;as=Table;v=v1;g=meta.k8s.io`). */
export function toTable(resource: string, objs: readonly KubeObject[], opts: ToTableOptions): Table {
  const include = opts.includeObject ?? 'Metadata';
  const rows: TableRow[] = objs.map((obj) => {
    let row: TableRow;
    if (printerFor(resource) === podPrinter) row = podRow(obj, opts.now);
    else row = { cells: tableRow(resource, obj, opts.now, opts.crdColumns) };
    if (include === 'Metadata') row.object = partialMetadata(obj);
    else if (include === 'Object') row.object = obj;
    return row;
  });
  const metadata: Table['metadata'] = {};
  if (opts.resourceVersion !== undefined) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.noHeaders ? [] : tableColumns(resource, opts.crdColumns),
    rows,
  };
}
