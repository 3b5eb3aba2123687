export { tableColumns, tableRow, toTable, type ToTableOptions } from './table.js';
export { humanDuration, ageSince } from './duration.js';
export { evalJsonPath } from './jsonpath.js';
export { podStatusCells } from './pod.js';
export type { ColumnDefinition, IncludeObject, PrinterColumn, Table, TableRow, TableRowCondition } from './types.js';
