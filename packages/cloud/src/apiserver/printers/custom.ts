import { ageSince, humanDuration } from './duration.js';
import { ageCol, col, nameCol } from './columns.js';
import { evalJsonPath } from './jsonpath.js';
import type { ColumnDefinition, PrinterColumn } from './types.js';

/**
 * Columns of a custom resource: Name, the CRD's additionalPrinterColumns, then Age unless one of
 * them already is an Age column (upstream defaults an Age column into CRDs that declare none).
 */
export function customColumns(crdColumns: readonly PrinterColumn[] = []): ColumnDefinition[] {
  const cols = [nameCol, ...crdColumns.map((c) => col(c.name, c.description ?? '', c.priority ?? 0, c.type, c.format ?? ''))];
  if (!crdColumns.some((c) => c.name.toLowerCase() === 'age')) cols.push(ageCol);
  return cols;
}

/** cellForJSONValue from apiextensions' table convertor: typed cells, `null` (printed `<none>`) on mismatch. */
function cell(type: string, value: unknown, now: number): unknown {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const t = Date.parse(value);
      return Number.isNaN(t) ? '<invalid>' : humanDuration(now - t);
    }
    default:
      // JSONPath printing of a string column: strings verbatim, anything else as JSON.
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export function customRow(obj: any, now: number, crdColumns: readonly PrinterColumn[] = []): unknown[] {
  const cells: unknown[] = [obj.metadata?.name];
  for (const c of crdColumns) cells.push(cell(c.type, evalJsonPath(obj, c.jsonPath), now));
  if (!crdColumns.some((c) => c.name.toLowerCase() === 'age')) cells.push(ageSince(obj.metadata?.creationTimestamp, now));
  return cells;
}
