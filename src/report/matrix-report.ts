import type { SubjectRef } from '../rbac/types.js';
import { toJson, toYaml } from './serialize.js';
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
  readonly rows: readonly { readonly resource: string; readonly group: string; readonly namespaced: boolean; readonly access: Readonly<Record<string, MatrixCell>> }[];
  readonly defaultRbac: string | null;
}

const symbols: Record<MatrixCell, string> = { allowed: '✔', denied: '✖', 'n/a': '' };

/** rakkess' table: one row per resource (`name.group`), one column per verb. */
export function renderMatrix(report: MatrixReport, format: 'table' | 'json' | 'yaml'): string {
  if (format === 'json') return toJson(report);
  if (format === 'yaml') return toYaml(report);
  const rows = report.rows.map((row) => [row.group === '' ? row.resource : `${row.resource}.${row.group}`, ...report.verbs.map((verb) => symbols[row.access[verb] ?? 'n/a'])]);
  return renderTable(['name', ...report.verbs], rows);
}
