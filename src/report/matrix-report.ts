import type { SubjectRef } from '../rbac/types.js';
import { definePrinters } from './printers.js';
import { renderTable } from './table.js';

export type MatrixCell = 'allowed' | 'denied' | 'n/a';

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
}

const symbols: Record<MatrixCell, string> = { allowed: '✔', denied: '✖', 'n/a': '' };
const colours: Record<MatrixCell, string> = { allowed: '\u001b[32m', denied: '\u001b[31m', 'n/a': '' };
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
  const legend = `\n${cell('allowed')} allowed   ${cell('denied')} denied   blank: the resource (or subresource) has no such verb. Checked ${scope} for ServiceAccount ${report.serviceAccount.namespace ?? ''}:${report.serviceAccount.name}.\n`;
  return renderTable(['name', ...report.verbs], rows) + legend;
}
