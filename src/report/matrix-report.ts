import type { SubjectRef, UnreadRbac } from '../rbac/types.js';
import { incompleteLine } from './grant-format.js';
import { definePrinters } from './printers.js';
import { renderTable } from './table.js';

/** `unknown`: nothing read allows it, and RBAC objects that could were not read (the report's `unread`). */
export type MatrixCell = 'allowed' | 'denied' | 'unknown' | 'n/a';

/** The documented `kubectl sa matrix -o json` shape. */
export interface MatrixReport {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'AccessMatrix';
  readonly serviceAccount: SubjectRef;
  /** The namespace checked; `` means cluster-wide (only ClusterRoleBindings count). */
  readonly namespace: string;
  readonly verbs: readonly string[];
  readonly rows: readonly {
    readonly resource: string;
    readonly group: string;
    /** Set on `--subresources` rows (`pods` + `exec`). */
    readonly subresource?: string;
    readonly namespaced: boolean;
    readonly access: Readonly<Record<string, MatrixCell>>;
  }[];
  readonly defaultRbac: string | null;
  /** False when RBAC objects that could allow more were not read (`unread`): no cell is then `denied`. */
  readonly complete: boolean;
  readonly unread: readonly UnreadRbac[];
}

const symbols: Record<MatrixCell, string> = { allowed: '✔', denied: '✖', unknown: '?', 'n/a': '' };
const colours: Record<MatrixCell, string> = { allowed: '\u001b[32m', denied: '\u001b[31m', unknown: '\u001b[33m', 'n/a': '' };
const reset = '\u001b[0m';

/**
 * rakkess' table: one row per resource (`name.group`, `name.group/subresource`), one column per verb, ✔/✖
 * (green/red on a terminal without NO_COLOR), blank where the resource has no such verb; then a legend
 * with the scope checked.
 */
export const matrixPrinters = definePrinters<MatrixReport>({ document: (report) => report, table: renderMatrixTable });

function renderMatrixTable(report: MatrixReport, options: { readonly colour: boolean }): string {
  const cell = (value: MatrixCell) => (options.colour && value !== 'n/a' ? `${colours[value]}${symbols[value]}${reset}` : symbols[value]);
  const rows = report.rows.map((row) => [
    `${row.group === '' ? row.resource : `${row.resource}.${row.group}`}${row.subresource ? `/${row.subresource}` : ''}`,
    ...report.verbs.map((verb) => cell(row.access[verb] ?? 'n/a')),
  ]);
  const scope =
    report.namespace === ''
      ? 'cluster-wide (ClusterRoleBindings only)'
      : `namespace ${report.namespace} (ClusterRoleBindings and its RoleBindings)`;
  const legend = `\n${cell('allowed')} allowed   ${report.complete ? `${cell('denied')} denied` : `${cell('unknown')} unknown`}   blank: the resource (or subresource) has no such verb. Checked ${scope} for ServiceAccount ${report.serviceAccount.namespace ?? ''}:${report.serviceAccount.name}.\n`;
  const incomplete = report.complete ? '' : `${incompleteLine(report.unread, 'what is marked ? may be allowed')}\n`;
  return renderTable(['name', ...report.verbs], rows) + legend + incomplete;
}
